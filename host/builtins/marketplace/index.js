// @ts-check
import { asyncHandler, errors, recordExtensionChange, requestActor, sanitizeQuery } from '@annex/host/builtins-support';

function requireAdmin(req) {
  if (!req.accountability?.admin) throw errors.FORBIDDEN();
}

function requireString(value, name) {
  if (typeof value !== 'string' || !value)
    throw errors.INVALID_PAYLOAD({ reason: `"${name}" must be a non-empty string.` });
  return value;
}

/** Directus's list query (`search, limit, offset, sort, filter[type][_eq], filter[by][_eq]`) → registry query. */
function listQuery(raw) {
  const q = sanitizeQuery({ ...raw, sort: undefined, filter: undefined, sandbox: undefined });
  const filter = typeof raw.filter === 'string' ? JSON.parse(raw.filter) : (raw.filter ?? {});
  const bracket = (key) => raw[`filter[${key}][_eq]`] ?? filter?.[key]?._eq;
  const sort = Array.isArray(raw.sort) ? raw.sort[0] : (raw['sort[0]'] ?? raw.sort);
  if (sort !== undefined && !['popular', 'recent', 'downloads'].includes(sort))
    throw errors.INVALID_QUERY({ reason: '"sort" must be popular, recent or downloads.' });
  const type = bracket('type');
  const types = [
    'interface',
    'display',
    'layout',
    'module',
    'panel',
    'theme',
    'hook',
    'endpoint',
    'operation',
    'bundle',
  ];
  if (type !== undefined && !types.includes(type)) throw errors.FORBIDDEN();
  return {
    ...(q.search ? { search: q.search } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.offset !== undefined ? { offset: q.offset } : {}),
    ...(sort ? { sort } : {}),
    ...(type ? { type } : {}),
    ...(bracket('by') ? { by: bracket('by') } : {}),
    ...(raw.sandbox === 'true' ? { sandbox: true } : {}),
  };
}

/** `/extensions/registry/*` — Directus's marketplace routes plus update, approve, rollback, pin and the lock. */
export default {
  id: 'extensions',
  handler(router, context) {
    const market = () => {
      const m = context.kernel.marketplace;
      if (!m)
        throw errors.SERVICE_UNAVAILABLE({
          service: 'marketplace',
          reason: 'No registry is configured (MARKETPLACE_REGISTRY).',
        });
      return m;
    };
    const admin = (fn) =>
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        res.json({ data: await fn(req) });
      });
    /** A change to the installed set: answered like `admin`, and written to the activity log. */
    const change = (verb, fn) =>
      admin(async (req) => {
        const result = await fn(req);
        const item = result?.extension ?? req.body?.extension ?? null;
        await recordExtensionChange(context.kernel.knex, context.kernel.logger, requestActor(req), verb, item, result);
        return result;
      });

    router.get(
      '/registry',
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        res.json(await market().list(listQuery(req.query)));
      }),
    );
    router.get(
      '/registry/account/:id',
      admin(async (req) => market().account(req.params.id)),
    );
    router.get(
      '/registry/extension/:id',
      admin(async (req) => market().describe(req.params.id)),
    );
    router.get(
      '/registry/installed',
      admin(async () => market().installed()),
    );
    router.get(
      '/registry/lock',
      admin(async () => market().exportLock()),
    );
    router.post(
      '/registry/lock',
      change('import', async (req) =>
        market().importLock(req.body?.lock ?? req.body, {
          prune: req.body?.prune === true,
          force: req.body?.force === true,
        }),
      ),
    );
    router.post(
      '/registry/install',
      change('install', async (req) =>
        market().install(requireString(req.body?.extension, 'extension'), req.body?.version ?? undefined, {
          force: req.body?.force === true,
        }),
      ),
    );
    router.post(
      '/registry/reinstall',
      change('install', async (req) => {
        const name = requireString(req.body?.extension, 'extension');
        const installed = (await market().installed()).find((e) => e.name === name || e.id === name);
        if (!installed) throw errors.HOST_EXTENSION_NOT_FOUND({ id: name });
        return market().install(installed.name, installed.current, { force: true });
      }),
    );
    router.post(
      '/registry/update',
      change('update', async (req) =>
        market().update(requireString(req.body?.extension, 'extension'), req.body?.version ?? undefined, {
          force: req.body?.force === true,
        }),
      ),
    );
    router.post(
      '/registry/approve',
      change('approve', async (req) => market().approve(requireString(req.body?.extension, 'extension'))),
    );
    router.post(
      '/registry/rollback',
      change('rollback', async (req) =>
        market().rollback(requireString(req.body?.extension, 'extension'), req.body?.version ?? undefined),
      ),
    );
    router.post(
      '/registry/pin',
      change('pin', async (req) => {
        const extension = requireString(req.body?.extension, 'extension');
        await market().pin(extension, req.body?.pinned !== false);
        return { extension, pinned: req.body?.pinned !== false };
      }),
    );
    router.delete(
      '/registry/uninstall/:id',
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        const installed = (await market().installed()).find((e) => e.name === req.params.id || e.id === req.params.id);
        if (!installed) throw errors.INVALID_PAYLOAD({ reason: `"${req.params.id}" is not a marketplace install.` });
        const removed = await market().uninstall(installed.name);
        await recordExtensionChange(
          context.kernel.knex,
          context.kernel.logger,
          requestActor(req),
          'delete',
          installed.name,
          removed,
        );
        res.status(204).end();
      }),
    );
  },
};
