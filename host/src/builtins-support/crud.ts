import type { RequestHandler as ExpressHandler, Response as ExpressResponse, Router as ExpressRouter } from 'express';
import type { DirectusRequest as ExpressRequest } from '../http/express-bridge.js';
import type { Accountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import { sanitizeQuery, type Query } from '../services/query.js';
import type { ItemsService, PrimaryKey } from '../services/items.js';
import { type ExportFormat, exportFileName, formatExport } from '../services/export-format.js';

/** Wraps an async route handler so rejections reach the error handler. */
export function asyncHandler(fn: (req: ExpressRequest, res: ExpressResponse) => Promise<unknown>): ExpressHandler {
  return (req, res, next) => {
    fn(req as ExpressRequest, res).catch(next);
  };
}

type ServiceFactory = (
  collection: string,
  options: { accountability: Accountability; schema?: unknown },
) => ItemsService;

export interface CrudOptions {
  /** Fixed collection (system routes like /users) or taken from `:collection`. */
  collection?: string;
  makeService: ServiceFactory;
  /** Extra check before every request (e.g. refuse directus_* on /items). */
  guard?: (collection: string, req: ExpressRequest) => void;
  /** Only the read routes (an append-only log such as /activity). */
  readOnly?: boolean;
  /** `GET …/:id?version=<key>`: the item with the changes of that content version (the items routes). */
  readVersion?: (
    req: ExpressRequest,
    collection: string,
    id: string,
    version: string,
    query: Query,
  ) => Promise<unknown>;
}

/** Reads items back after a write; a caller allowed to write but not read gets 204, as in Directus. */
async function readBack(service: ItemsService, keys: PrimaryKey[], query: Query, many: boolean): Promise<unknown> {
  try {
    if (many) return await service.readMany(keys, query);
    return await service.readOne(keys[0]!, query);
  } catch (e) {
    if ((e as { code?: string }).code === 'FORBIDDEN') return undefined;
    throw e;
  }
}

export function respondItems(res: ExpressResponse, data: unknown, meta?: Record<string, unknown>): void {
  if (data === undefined) {
    res.status(204).end();
    return;
  }
  res.json(meta && Object.keys(meta).length ? { data, meta } : { data });
}

/** A list read (GET or SEARCH): the items of `query`, with its `meta` counts when asked. */
async function respondList(res: ExpressResponse, service: ItemsService, query: Query): Promise<void> {
  const [data, meta] = await Promise.all([service.readByQuery(query), query.meta ? service.meta(query) : undefined]);
  respondItems(res, data, meta);
}

function keysFromBody(body: unknown): PrimaryKey[] | null {
  if (Array.isArray(body) && body.every((k) => typeof k === 'string' || typeof k === 'number'))
    return body as PrimaryKey[];
  const keys = (body as { keys?: unknown })?.keys;
  if (Array.isArray(keys)) return keys as PrimaryKey[];
  return null;
}

/** The Directus item routes (`GET/POST/PATCH/DELETE /`, `/:id`) for one or any collection. */
export function crudRoutes(router: ExpressRouter, options: CrudOptions): void {
  const prefix = options.collection ? '' : '/:collection';
  const collectionOf = (req: ExpressRequest) => {
    const c = options.collection ?? req.params.collection!;
    options.guard?.(c, req);
    return c;
  };
  const serviceFor = (req: ExpressRequest) =>
    options.makeService(collectionOf(req), {
      accountability: req.accountability as Accountability,
      schema: req.schema,
    });

  router.get(
    prefix || '/',
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const query = sanitizeQuery(req.query);
      const schema = req.schema as { collections: Record<string, { singleton: boolean }> };
      // Directus's singleton: its one item, or its fields' defaults before it exists.
      if (schema.collections[service.collection]?.singleton)
        return respondItems(res, await service.readSingleton(query));
      // Directus's `?export=csv|json|xml|yaml`: the same items as a file to download.
      const format = req.sanitizedQuery?.export as ExportFormat | undefined;
      if (format) {
        const file = formatExport(await service.readByQuery(query), format);
        res.attachment(exportFileName(service.collection, file.extension));
        res.type(file.type).send(file.body);
        return;
      }
      await respondList(res, service, query);
    }),
  );
  // Directus's SEARCH: the query (or the keys) in the body, for queries too long for a URL.
  router.search(
    prefix || '/',
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const body = (req.body ?? {}) as { query?: unknown; keys?: unknown };
      if (
        body.query !== undefined &&
        (typeof body.query !== 'object' || body.query === null || Array.isArray(body.query))
      )
        throw errors.INVALID_PAYLOAD({ reason: '"query" must be an object.' });
      const query = sanitizeQuery((body.query ?? {}) as Record<string, unknown>);
      const keys = keysFromBody(body);
      if (keys) return respondItems(res, await service.readMany(keys, query));
      await respondList(res, service, query);
    }),
  );
  router.get(
    `${prefix}/:id`,
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const version = req.sanitizedQuery?.version;
      if (typeof version === 'string' && options.readVersion)
        return respondItems(
          res,
          await options.readVersion(req, service.collection, req.params.id!, version, sanitizeQuery(req.query)),
        );
      respondItems(res, await service.readOne(req.params.id!, sanitizeQuery(req.query)));
    }),
  );
  if (options.readOnly) return;
  router.post(
    prefix || '/',
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const query = sanitizeQuery(req.query);
      if (Array.isArray(req.body)) {
        const keys = await service.createMany(req.body as Record<string, unknown>[]);
        return respondItems(res, await readBack(service, keys, query, true));
      }
      if (typeof req.body !== 'object' || req.body === null)
        throw errors.INVALID_PAYLOAD({ reason: 'The body must be an object or a list of objects.' });
      const key = await service.createOne(req.body as Record<string, unknown>);
      respondItems(res, await readBack(service, [key], query, false));
    }),
  );
  router.patch(
    prefix || '/',
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const query = sanitizeQuery(req.query);
      const body = req.body as
        | { keys?: PrimaryKey[]; data?: Record<string, unknown>; query?: Record<string, unknown> }
        | Record<string, unknown>[];
      let keys: PrimaryKey[];
      const schema = req.schema as { collections: Record<string, { singleton: boolean; primary: string }> };
      const singleton = schema.collections[service.collection];
      if (singleton?.singleton && body && !Array.isArray(body) && !('keys' in body) && !('query' in body)) {
        // Directus's singleton: PATCH with the fields updates its one item, made first if there is none.
        const key = await service.upsertSingleton(body);
        return respondItems(res, await readBack(service, [key], query, false));
      }
      if (Array.isArray(body)) {
        keys = await service.updateBatch(body);
      } else if (body && Array.isArray(body.keys) && body.data && typeof body.data === 'object') {
        keys = await service.updateMany(body.keys, body.data);
      } else if (body && body.query && body.data && typeof body.data === 'object') {
        keys = await service.updateByQuery(sanitizeQuery(body.query), body.data);
      } else {
        throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of items, {keys, data} or {query, data}.' });
      }
      respondItems(res, await readBack(service, keys, query, true));
    }),
  );
  router.patch(
    `${prefix}/:id`,
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
        throw errors.INVALID_PAYLOAD({ reason: 'The body must be an object.' });
      const key = await service.updateOne(req.params.id!, req.body as Record<string, unknown>);
      respondItems(res, await readBack(service, [key], sanitizeQuery(req.query), false));
    }),
  );
  router.delete(
    prefix || '/',
    asyncHandler(async (req, res) => {
      const service = serviceFor(req);
      const keys = keysFromBody(req.body);
      if (keys) await service.deleteMany(keys);
      else if ((req.body as { query?: Record<string, unknown> })?.query)
        await service.deleteByQuery(sanitizeQuery((req.body as { query: Record<string, unknown> }).query));
      else throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of keys, {keys} or {query}.' });
      res.status(204).end();
    }),
  );
  router.delete(
    `${prefix}/:id`,
    asyncHandler(async (req, res) => {
      await serviceFor(req).deleteOne(req.params.id!);
      res.status(204).end();
    }),
  );
}
