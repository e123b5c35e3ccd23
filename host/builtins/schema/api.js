// @ts-check
import { asyncHandler, errors, formatSnapshot, parseSchemaText, readFormFile } from '@annex/host/builtins-support';

/** The body a create or update needs: an object, else `INVALID_PAYLOAD` naming what was expected. */
function objectBody(req, what) {
  if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
    throw errors.INVALID_PAYLOAD({ reason: `The body must be a ${what} object.` });
  return req.body;
}

/** `GET /`, `/:collection` and `/:collection/:field` of `/fields` and `/relations`: the same three reads. */
function readRoutes(router, svc) {
  router.get(
    '/',
    asyncHandler(async (req, res) => res.json({ data: await svc(req).readAll() })),
  );
  router.get(
    '/:collection',
    asyncHandler(async (req, res) => res.json({ data: await svc(req).readAll(req.params.collection) })),
  );
  router.get(
    '/:collection/:field',
    asyncHandler(async (req, res) =>
      res.json({ data: await svc(req).readOne(req.params.collection, req.params.field) }),
    ),
  );
}

/** `/collections` (Directus shape {collection, meta, schema, fields?}). */
function collections(router, { services }) {
  const svc = (req) => new services.CollectionsService({ accountability: req.accountability });
  router.get(
    '/',
    asyncHandler(async (req, res) => res.json({ data: await svc(req).readByQuery() })),
  );
  router.get(
    '/:collection',
    asyncHandler(async (req, res) => res.json({ data: await svc(req).readOne(req.params.collection) })),
  );
  router.post(
    '/',
    asyncHandler(async (req, res) => {
      objectBody(req, 'collection');
      const name = await svc(req).createOne(req.body);
      res.json({ data: await svc(req).readOne(name) });
    }),
  );
  router.patch(
    '/:collection',
    asyncHandler(async (req, res) => {
      await svc(req).updateOne(req.params.collection, req.body ?? {});
      res.json({ data: await svc(req).readOne(req.params.collection) });
    }),
  );
  router.delete(
    '/:collection',
    asyncHandler(async (req, res) => {
      await svc(req).deleteOne(req.params.collection);
      res.status(204).end();
    }),
  );
}

/** `/fields` and `/fields/:collection[/:field]`. */
function fields(router, { services }) {
  const svc = (req) => new services.FieldsService({ accountability: req.accountability });
  readRoutes(router, svc);
  router.post(
    '/:collection',
    asyncHandler(async (req, res) => {
      objectBody(req, 'field');
      await svc(req).createField(req.params.collection, req.body);
      res.json({ data: await svc(req).readOne(req.params.collection, req.body.field) });
    }),
  );
  router.patch(
    '/:collection/:field',
    asyncHandler(async (req, res) => {
      await svc(req).updateField(req.params.collection, { field: req.params.field, meta: req.body?.meta ?? {} });
      res.json({ data: await svc(req).readOne(req.params.collection, req.params.field) });
    }),
  );
  router.delete(
    '/:collection/:field',
    asyncHandler(async (req, res) => {
      await svc(req).deleteField(req.params.collection, req.params.field);
      res.status(204).end();
    }),
  );
}

/** `/relations` (Directus shape): many-to-one fields, with the one-to-many alias that lists them. */
function relations(router, { services }) {
  const svc = (req) => new services.RelationsService({ accountability: req.accountability });
  readRoutes(router, svc);
  router.post(
    '/',
    asyncHandler(async (req, res) => {
      objectBody(req, 'relation');
      res.json({ data: await svc(req).createOne(req.body) });
    }),
  );
  router.patch(
    '/:collection/:field',
    asyncHandler(async (req, res) => {
      objectBody(req, 'relation');
      res.json({ data: await svc(req).updateOne(req.params.collection, req.params.field, req.body) });
    }),
  );
  router.delete(
    '/:collection/:field',
    asyncHandler(async (req, res) => {
      await svc(req).deleteOne(req.params.collection, req.params.field);
      res.status(204).end();
    }),
  );
}

/** A snapshot or diff file of at most this size is read from a multipart upload. */
const MAX_SCHEMA_FILE = 20 * 1024 * 1024;

/** The body of /schema/diff and /schema/apply: JSON, or a multipart form with one JSON or YAML file. */
async function schemaBody(req) {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('multipart/form-data')) return parseSchemaText((await readFormFile(req, MAX_SCHEMA_FILE)).text);
  if (!type.startsWith('application/json'))
    throw errors.UNSUPPORTED_MEDIA_TYPE({
      reason: `Send the snapshot or diff as application/json or as a file in multipart/form-data (got ${type || 'no Content-Type'}).`,
    });
  if (!req.body || typeof req.body !== 'object' || Object.keys(req.body).length === 0)
    throw errors.INVALID_PAYLOAD({ reason: 'No data was included in the body.' });
  return req.body;
}

/** A query flag Directus passes bare (`?force`) or with a value (`?force=true`). */
const flag = (value) => value !== undefined && value !== 'false' && value !== '0';

/** `/schema`: Directus's snapshot, diff and apply of the project's schema (administrators only). */
function schema(router, { services }) {
  const svc = (req) => new services.SchemaService({ accountability: req.accountability });
  router.get(
    '/snapshot',
    asyncHandler(async (req, res) => {
      const snapshot = await svc(req).snapshot();
      const format = req.query.export;
      if (format === undefined) return res.json({ data: snapshot });
      if (format !== 'json' && format !== 'yaml')
        throw errors.INVALID_QUERY({ reason: '"export" must be json or yaml.' });
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
      res.attachment(`snapshot-${stamp}.${format}`);
      res.type(format === 'yaml' ? 'text/yaml' : 'application/json');
      res.send(formatSnapshot(snapshot, format));
    }),
  );
  router.post(
    '/diff',
    asyncHandler(async (req, res) => {
      const service = svc(req);
      const current = await service.snapshot();
      const diff = await service.diff(await schemaBody(req), {
        currentSnapshot: current,
        force: flag(req.query.force),
      });
      if (!diff) return res.status(204).end();
      res.json({ data: { hash: service.getHashedSnapshot(current).hash, diff } });
    }),
  );
  router.post(
    '/apply',
    asyncHandler(async (req, res) => {
      await svc(req).apply(await schemaBody(req), { force: flag(req.query.force) });
      res.status(204).end();
    }),
  );
}

export const endpoints = [
  { name: 'collections', config: collections },
  { name: 'fields', config: fields },
  { name: 'relations', config: relations },
  { name: 'schema', config: schema },
];
export const hooks = [];
export const operations = [];
