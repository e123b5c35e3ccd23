// @ts-check
import {
  asksForTransform,
  asyncHandler,
  derivedImage,
  createRequestClient,
  transformGateFor,
  crudRoutes,
  errors,
  formParser,
  isTransformable,
  isUuid,
  parseTransform,
  readAssetSettings,
  systemAccountability,
} from '@annex/host/builtins-support';

/** Content types a browser may show inline from this origin; anything else is a download. */
const INLINE =
  /^(image\/(png|jpeg|gif|webp|avif)|video\/(mp4|webm|ogg)|audio\/(mpeg|ogg|wav|webm)|application\/pdf|text\/plain)$/;

/**
 * Directus's `POST /files/import {url, data?}`: fetches `url` (http or https, GET, redirects
 * re-checked; loopback, private, link-local and metadata addresses refused unless
 * FILES_IMPORT_ALLOW_PRIVATE) into FilesService.uploadOne, under the upload size limit. The
 * caller's create permission is checked before anything is fetched.
 */
async function importFile(files, body, config) {
  if (!body || typeof body !== 'object' || typeof body.url !== 'string')
    throw errors.INVALID_PAYLOAD({ reason: '"url" is required.' });
  const data = body.data && typeof body.data === 'object' ? body.data : {};
  for (const k of ['title', 'description', 'folder', 'filename_download']) {
    if (data[k] !== undefined && typeof data[k] !== 'string')
      throw errors.INVALID_PAYLOAD({ reason: `"data.${k}" must be a string.` });
  }
  await files.assertMayUpload(data.folder);
  const client = createRequestClient(
    { urls: ['http://*', 'https://*'], methods: ['GET'], allowPrivate: config.importAllowPrivate },
    { timeoutMs: 30_000, maxResponseBytes: config.maxUploadBytes },
  );
  // The body streams to storage (its `.part` file) as it arrives: an import is never held in memory.
  let fetched;
  try {
    fetched = await client.request(body.url, { method: 'GET', responseType: 'stream' });
  } catch (err) {
    throw importError(err, config);
  }
  if (fetched.status < 200 || fetched.status > 299) {
    fetched.data.destroy();
    throw errors.INVALID_PAYLOAD({ reason: `The URL answered ${fetched.status}.` });
  }
  const last = decodeSegment(new URL(fetched.url).pathname.split('/').pop() ?? '');
  try {
    return await files.uploadOne(fetched.data, {
      filename_download: data.filename_download || last || 'import',
      type:
        String(fetched.headers['content-type'] ?? '')
          .split(';')[0]
          .trim() || undefined,
      ...(data.title !== undefined ? { title: data.title } : {}),
      ...(data.description !== undefined ? { description: data.description } : {}),
      ...(data.folder !== undefined ? { folder: data.folder } : {}),
    });
  } catch (err) {
    throw String(err?.code ?? '').startsWith('RT_') ? importError(err, config) : err;
  } finally {
    fetched.data.destroy();
  }
}

/** What the request client reports, as the import's answer: too large is 413, anything else 400. */
function importError(err, config) {
  if (err?.code === 'RT_RESPONSE_TOO_LARGE') return errors.HOST_FILE_TOO_LARGE({ limit: config.maxUploadBytes });
  return errors.INVALID_PAYLOAD({
    reason: `The URL cannot be imported: ${err?.details?.reason ?? err?.message ?? 'request failed'}.`,
  });
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Reads one multipart upload (fields first, then one file) into FilesService.uploadOne. */
function receiveUpload(ctx, service) {
  return new Promise((resolve, reject) => {
    let bb;
    try {
      bb = formParser(ctx.req.headers, { files: 1, fields: 20, fieldSize: 64 * 1024 });
    } catch (err) {
      return reject(
        errors.INVALID_PAYLOAD({ reason: `The upload could not be read: ${err instanceof Error ? err.message : err}` }),
      );
    }
    /** @type {Record<string, string>} */
    const fields = {};
    /** @type {Promise<string | number> | undefined} */
    let upload;
    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      ctx.req.unpipe(bb);
      ctx.req.resume(); // drain what the client still sends
      reject(err);
    };
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      upload = service.uploadOne(stream, {
        filename_download: info.filename,
        type: info.mimeType,
        title: fields.title,
        description: fields.description,
        ...(fields.folder ? { folder: fields.folder } : {}),
      });
      upload.catch((err) => {
        stream.resume();
        fail(err);
      });
    });
    bb.on('error', (err) =>
      fail(
        errors.INVALID_PAYLOAD({ reason: `The upload could not be read: ${err instanceof Error ? err.message : err}` }),
      ),
    );
    bb.on('close', () => {
      if (settled) return;
      if (!upload) return fail(errors.INVALID_PAYLOAD({ reason: 'The form has no file.' }));
      upload.then((key) => {
        if (!settled) {
          settled = true;
          resolve(key);
        }
      }, fail);
    });
    ctx.req.pipe(bb);
  });
}

export const endpoints = [
  {
    name: 'files',
    config: (router, context) => {
      const kernel = context.kernel;
      const service = (accountability) => new context.services.FilesService({ accountability });
      // Uploads need the raw request stream, so they are served by a mount ahead of the router.
      const off = kernel.mounts.add(
        'files',
        async (ctx, sub) => {
          if (ctx.method !== 'POST' || (sub !== '/' && sub !== '') || !ctx.is('multipart')) return false;
          const files = service(ctx.state.accountability);
          const key = await receiveUpload(ctx, files);
          ctx.type = 'application/json';
          ctx.body = { data: await files.readOne(key).catch(() => ({ id: key })) };
          return true;
        },
        '@annex/builtin-files/files',
        { first: true },
      );
      context.onDispose?.(off);
      router.post(
        '/import',
        asyncHandler(async (req, res) => {
          const files = service(req.accountability);
          const key = await importFile(files, req.body, kernel.config.files);
          res.json({ data: await files.readOne(key).catch(() => ({ id: key })) });
        }),
      );
      crudRoutes(router, {
        collection: 'directus_files',
        makeService: (_c, options) => new context.services.FilesService(options),
      });
    },
  },
  {
    name: 'assets',
    config: (_router, context) => {
      const config = context.kernel.config.files;
      const limits = {
        maxDimension: config.transformMaxDimension,
        maxOperations: config.transformMaxOperations,
        timeoutMs: config.transformTimeoutMs,
      };
      // The project's policy and presets (Directus's storage_asset_transform, storage_asset_presets),
      // read when a request asks for a transformation.
      const settings = () =>
        readAssetSettings(new context.services.SettingsService({ accountability: systemAccountability('assets') }));
      // The host's one gate, shared with extensions' AssetsService, and where presets' images are kept.
      const gate = transformGateFor(config);
      const cache = context.kernel.assetCache;
      const off = context.kernel.mounts.add(
        'assets',
        async (ctx, sub) => {
          if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
          const id = sub.replace(/^\//, '');
          if (!isUuid(id)) throw errors.FORBIDDEN();
          // Bad transformation parameters are refused before the file is read.
          const transform = asksForTransform(ctx.query) ? parseTransform(ctx.query, limits, await settings()) : null;
          const { file, stream } = await new context.services.FilesService({
            accountability: ctx.state.accountability,
          }).readFile(id);
          let type = String(file.type ?? 'application/octet-stream');
          /** @type {import('node:stream').Readable | Buffer} */
          let body = stream;
          let length = file.filesize;
          if (transform && isTransformable(type)) {
            const out = await derivedImage(
              { file, stream },
              transform,
              { ...limits, gate, cache },
              String(ctx.get('accept')),
            );
            type = out.type;
            body = out.body;
            length = out.body.length;
            ctx.vary('Accept');
          }
          const inline = INLINE.test(type) && ctx.query.download === undefined;
          ctx.set('X-Content-Type-Options', 'nosniff');
          // Even a file served inline cannot run script as this origin.
          ctx.set(
            'Content-Security-Policy',
            "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
          );
          ctx.set(
            'Content-Disposition',
            `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(String(file.filename_download))}`,
          );
          ctx.set('Cache-Control', 'private, max-age=0');
          ctx.type = inline ? type : 'application/octet-stream';
          if (length !== null && length !== undefined) ctx.length = Number(length);
          ctx.body = body;
          return true;
        },
        '@annex/builtin-files/assets',
      );
      context.onDispose?.(off);
    },
  },
];
export const hooks = [];
export const operations = [];
