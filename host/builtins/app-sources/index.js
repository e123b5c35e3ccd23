// @ts-check
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { asyncHandler, errors } from '@annex/host/builtins-support';
import { createEventHub } from './events.js';

const OWNER = '@annex/builtin-app-sources';
/** What the app reports (POST /sources/report `phase`) → the code Settings → Extensions shows. */
const REPORT_CODES = /** @type {Record<string, string>} */ ({
  import: 'APP_IMPORT_FAILED',
  render: 'APP_RENDER_FAILED',
  'render-loop': 'APP_RENDER_LOOP',
});
const requireHere = createRequire(import.meta.url);

/**
 * The bundler (rollup + the Vue SFC compiler, ~170 ms to load) is created on first use, so a
 * host that never serves the app does not pay for it.
 * @param {Parameters<typeof import('@annex/host/app-sources').createSourcesBundler>[0]} options
 */
function lazyBundler(options) {
  /** @type {ReturnType<typeof import('@annex/host/app-sources').createSourcesBundler> | undefined} */
  let bundler;
  const real = () =>
    (bundler ??= /** @type {typeof import('@annex/host/app-sources')} */ (
      requireHere('@annex/host/app-sources')
    ).createSourcesBundler(options));
  return {
    get: () => real().get(),
    invalidate: () => bundler?.invalidate(),
    peek: () => bundler?.peek(),
  };
}

/** Which extensions' chunks differ between two manifests. */
function diffManifests(before, after) {
  const old = new Map((before?.chunks ?? []).map((c) => [c.extension, c]));
  const now = new Map(after.chunks.map((c) => [c.extension, c]));
  const changed = [];
  for (const [id, c] of now) {
    const o = old.get(id);
    if (
      !o ||
      o.url !== c.url ||
      JSON.stringify(o.entries) !== JSON.stringify(c.entries) ||
      JSON.stringify(o.error) !== JSON.stringify(c.error)
    )
      changed.push(id);
  }
  const removed = [...old.keys()].filter((id) => !now.has(id));
  return { changed, removed };
}

/**
 * `/extensions/sources/*`: the app extensions bundled one chunk per extension (Directus's
 * index.js plus a manifest the Annex app loads chunk by chunk), errors from building or from
 * importing in a browser, and `/extensions/events` (SSE) telling open apps what changed.
 */
export default {
  id: 'extensions',
  handler(router, context) {
    const kernel = context.kernel;
    /** A removed extension is no longer known: only administrators hear of it. */
    const mayUse = (/** @type {string} */ id, /** @type {any} */ viewer) =>
      viewer?.admin === true || kernel.extensions.mayUse(id, viewer);
    const bundler = lazyBundler({ list: () => kernel.apps.list() });
    const hub = createEventHub();
    /** `<extension>\0<phase>` → the app's last report of that kind for that extension. */
    /** @type {Map<string, { extension: string, url: string, message: string, phase: string, at: string }>} */
    const reports = new Map();
    let timer;

    // Rebuild soon after the registry changes (debounced), but only once someone asked for the
    // sources: a host nobody opens the app on never runs rollup.
    // The manifest open apps were last told about (a route may rebuild in between: compare to this).
    let published;
    const publish = async () => {
      const { manifest } = await bundler.get();
      for (const [key, r] of reports)
        if (!manifest.chunks.some((c) => c.extension === r.extension && c.url === r.url)) reports.delete(key);
      const diff = diffManifests(published, manifest);
      published = manifest;
      if (diff.changed.length || diff.removed.length) {
        // Each app hears only of the extensions its role may use.
        hub.send('app-extensions', null, (viewer) => {
          const changed = diff.changed.filter((id) => mayUse(id, viewer));
          const removed = diff.removed.filter((id) => mayUse(id, viewer));
          return changed.length || removed.length ? { version: manifest.version, changed, removed } : undefined;
        });
      }
    };
    const offApps = kernel.apps.onChange(() => {
      bundler.invalidate();
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (bundler.peek() || hub.size())
          publish().catch((err) => context.logger.error({ err }, 'app extension rebuild failed'));
      }, 30);
      timer.unref?.();
    });
    // States and errors are administrators' business, as in GET /extensions.
    const offState = kernel.extensions.onChange((c) =>
      hub.send('extension-state', null, (viewer) =>
        viewer?.admin ? { id: c.id, state: c.state, last_error: c.lastError } : undefined,
      ),
    );
    // Marketplace installs report their phases (resolve, download, verify, extract, move, done).
    const offProgress = kernel.emitter.onAction(
      'extensions.install.progress',
      (meta) => hub.send('install-progress', meta?.progress ?? meta),
      OWNER,
    );
    // A closing host waits for open responses: end the event streams as it stops.
    const offStop = kernel.emitter.onAction('server.stop', () => hub.close(), OWNER);
    const offMount = kernel.mounts.add(
      'extensions',
      async (ctx, sub) => {
        if (sub !== '/events' || ctx.method !== 'GET') return false;
        if (!ctx.state.accountability?.user && !ctx.state.accountability?.admin) throw errors.FORBIDDEN();
        const current = await bundler.get();
        published ??= current.manifest;
        hub.attach(ctx, { version: current.manifest.version }, ctx.state.accountability);
        return true;
      },
      OWNER,
    );
    context.onDispose?.(() => {
      offMount();
      offApps();
      offState();
      offProgress();
      offStop();
      clearTimeout(timer);
      hub.close();
    });

    const errorList = (manifest) => [
      ...manifest.chunks
        .filter((c) => c.error)
        .map((c) => ({ extension: c.extension, phase: 'build', url: null, ...c.error })),
      ...[...reports.values()].map((r) => ({
        extension: r.extension,
        phase: r.phase,
        code: REPORT_CODES[r.phase],
        message: r.message,
        url: r.url,
        at: r.at,
      })),
    ];

    // Chunks are gzipped once per content (their names carry the hash), when the client accepts it.
    /** @type {Map<string, Buffer>} */
    const gzipped = new Map();
    const sendJs = (req, res, key, code) => {
      res.set('Vary', 'Accept-Encoding');
      if (code.length < 1024 || !/\bgzip\b/.test(req.get('accept-encoding') ?? '')) return res.send(code);
      let gz = gzipped.get(key);
      if (!gz) {
        if (gzipped.size > 500) gzipped.clear();
        gzipped.set(key, (gz = gzipSync(code, { level: 9 })));
      }
      res.set('Content-Encoding', 'gzip');
      res.send(gz);
    };

    /** Directus's entry, with the chunks this caller may use (extensions limited to other roles left out). */
    const indexFor = (/** @type {any} */ current, /** @type {any} */ accountability) => {
      const allowed = current.manifest.chunks.filter((/** @type {any} */ c) => mayUse(c.extension, accountability));
      if (allowed.length === current.manifest.chunks.length)
        return { key: `index:${current.manifest.version}`, code: current.index };
      const ids = allowed.map((/** @type {any} */ c) => c.extension).join(',');
      const render = /** @type {typeof import('@annex/host/app-sources')} */ (requireHere('@annex/host/app-sources'))
        .renderIndex;
      return {
        key: `index:${current.manifest.version}:${ids}`,
        code: render({ ...current.manifest, chunks: allowed }),
      };
    };
    router.get(
      '/sources/index.js',
      asyncHandler(async (req, res) => {
        const { key, code } = indexFor(await bundler.get(), req.accountability);
        res.set({
          'Content-Type': 'application/javascript; charset=utf-8',
          'Cache-Control': 'no-cache',
          Vary: 'Authorization',
        });
        sendJs(req, res, key, code);
      }),
    );
    router.get(
      '/sources/manifest.json',
      asyncHandler(async (req, res) => {
        const { manifest } = await bundler.get();
        // Extensions limited to other roles are not offered to this app (their API routes refuse it too).
        const chunks = manifest.chunks.filter((c) => mayUse(c.extension, req.accountability));
        res.set('Cache-Control', 'no-cache');
        res.json({ data: { ...manifest, chunks, errors: errorList({ ...manifest, chunks }) } });
      }),
    );
    router.get(
      '/sources/errors',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.user && !req.accountability?.admin) throw errors.FORBIDDEN();
        res.json({ data: errorList((await bundler.get()).manifest) });
      }),
    );
    // An app that could not import a chunk, or whose component of it threw or re-rendered in a
    // loop (`phase` render / render-loop), says so; kept until that extension's chunk changes.
    router.post(
      '/sources/report',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.user && !req.accountability?.admin) throw errors.FORBIDDEN();
        const body = typeof req.body === 'string' ? JSON.parse(req.body || '{}') : req.body;
        const { extension, url, message, phase = 'import' } = body ?? {};
        if (typeof extension !== 'string' || typeof url !== 'string' || typeof message !== 'string')
          throw errors.INVALID_PAYLOAD({ reason: '"extension", "url" and "message" must be strings.' });
        if (typeof phase !== 'string' || !Object.hasOwn(REPORT_CODES, phase))
          throw errors.INVALID_PAYLOAD({ reason: `"phase" must be one of ${Object.keys(REPORT_CODES).join(', ')}.` });
        const { manifest } = await bundler.get();
        const known = manifest.chunks.some((c) => c.extension === extension && c.url === url);
        if (known) {
          const report = { extension, url, message: message.slice(0, 2000), phase, at: new Date().toISOString() };
          reports.set(`${extension}\0${phase}`, report);
          hub.send('app-extension-error', report);
        }
        res.json({ data: { recorded: known } });
      }),
    );
    router.get(
      '/sources/:chunk',
      asyncHandler(async (req, res) => {
        const { files, manifest } = await bundler.get();
        const code = files.get(req.params.chunk);
        // An extension limited to other roles: its code is not served to this caller (as if it did not exist).
        const owner = manifest.chunks.find(
          (c) => c.url?.endsWith(`/${req.params.chunk}`) || c.lazy?.includes(req.params.chunk),
        );
        if (code === undefined || (owner && !mayUse(owner.extension, req.accountability)))
          throw errors.ROUTE_NOT_FOUND({ path: req.path ?? `/extensions/sources/${req.params.chunk}` });
        // Chunk names carry a content hash, so they never change.
        res.set({
          'Content-Type': 'application/javascript; charset=utf-8',
          'Cache-Control': 'public, max-age=31536000, immutable',
        });
        sendJs(req, res, req.params.chunk, code);
      }),
    );
  },
};
