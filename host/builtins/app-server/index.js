// @ts-check
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { asyncHandler, errors } from '@annex/host/builtins-support';

const DIST = fileURLToPath(new URL('../../app/dist/', import.meta.url));
const TYPES = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Annex</title><p>The admin app is not built. Run <code>node host/app/build.mjs</code> (part of <code>npm run build</code>).</p>`;

/**
 * `/admin/*`: the app's page (rendered on every request so hook embeds apply at once), its
 * hashed assets (cached forever) and the shared modules under assets/shared/ (stable names that
 * extension chunks import; revalidated). Text assets are sent gzipped when the client accepts it.
 */
export default {
  id: 'admin',
  handler(router, context) {
    const kernel = context.kernel;
    /** @type {Map<string, { raw: Buffer, gz: Buffer | null, etag: string }>} */
    const cache = new Map();

    async function read(file) {
      let hit = cache.get(file);
      if (!hit) {
        const raw = await fs.readFile(file);
        const compressible = /\.(js|css|json|svg|html)$/.test(file) && raw.length > 512;
        hit = {
          raw,
          gz: compressible ? gzipSync(raw, { level: 9 }) : null,
          etag: `"${raw.length.toString(16)}-${(await fs.stat(file)).mtimeMs.toString(16)}"`,
        };
        cache.set(file, hit);
      }
      return hit;
    }

    function send(req, res, hit, type, cacheControl) {
      res.set({ 'Content-Type': type, 'Cache-Control': cacheControl, ETag: hit.etag, Vary: 'Accept-Encoding' });
      if (req.get('if-none-match') === hit.etag) return res.status(304).end();
      if (hit.gz && /\bgzip\b/.test(req.get('accept-encoding') ?? '')) {
        res.set('Content-Encoding', 'gzip');
        return res.send(hit.gz);
      }
      res.send(hit.raw);
    }

    router.get(
      '/assets/*',
      asyncHandler(async (req, res) => {
        const rel = decodeURIComponent(req.path.replace(/^\/assets\//, ''));
        const file = path.resolve(DIST, 'assets', rel);
        if (!file.startsWith(path.join(DIST, 'assets') + path.sep))
          throw errors.ROUTE_NOT_FOUND({ path: `/admin${req.path}` });
        const hit = await read(file).catch(() => null);
        if (!hit) throw errors.ROUTE_NOT_FOUND({ path: `/admin${req.path}` });
        const shared = rel.startsWith('shared/');
        send(
          req,
          res,
          hit,
          TYPES[path.extname(file)] ?? 'application/octet-stream',
          shared ? 'no-cache' : 'public, max-age=31536000, immutable',
        );
      }),
    );

    // Every other path is the single page app.
    const page = asyncHandler(async (_req, res) => {
      const template = await fs.readFile(path.join(DIST, 'index.html'), 'utf8').catch(() => null);
      // The app is not to be framed by other sites (clickjacking); its own pages may frame it.
      res.set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Frame-Options': 'SAMEORIGIN',
        'Content-Security-Policy': "frame-ancestors 'self'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'same-origin',
      });
      if (!template) return res.status(503).send(NOT_BUILT);
      res.send(
        template
          .replace('<!-- embed:head -->', () => kernel.embeds.render('head'))
          .replace('<!-- embed:body -->', () => kernel.embeds.render('body')),
      );
    });
    router.get('/', page);
    router.get('*', page);
  },
};
