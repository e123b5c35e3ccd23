// @ts-check
import { asyncHandler, errors } from '@annex/host/builtins-support';

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

export const endpoints = [
  { name: 'collections', config: collections },
  { name: 'fields', config: fields },
  { name: 'relations', config: relations },
];
export const hooks = [];
export const operations = [];
