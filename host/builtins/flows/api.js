// @ts-check
import { asyncHandler, crudRoutes, errors } from '@annex/host/builtins-support';

/** The caller's `?access_token` authenticated the request; like the Authorization header it is not the flow's to see. */
function withoutToken(query) {
  const { access_token: _token, ...rest } = query ?? {};
  return rest;
}

const HIDDEN_HEADERS = new Set(['authorization', 'cookie']);

function flowsRoutes(router, context) {
  const flows = context.kernel.flows;
  const run = asyncHandler(async (req, res) => {
    const kind = flows.kindOf(req.params.id);
    if (kind !== 'webhook' && kind !== 'manual') throw errors.FORBIDDEN();
    const input =
      kind === 'webhook'
        ? {
            path: req.path,
            query: withoutToken(req.query),
            body: req.body,
            method: req.method,
            headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HIDDEN_HEADERS.has(k))),
          }
        : { ...(req.body ?? {}), body: req.body };
    const result = await flows.trigger(req.params.id, kind, input, req.accountability);
    if ('async' in result) return res.json({ data: null });
    if (result.status === 'rejected') {
      const err = /** @type {{message?: string}} */ (result.data.$last ?? {});
      throw errors.UNPROCESSABLE_CONTENT({ reason: err.message ?? 'The flow rejected the request.' });
    }
    res.json({ data: result.result ?? null });
  });
  // Webhook flows answer GET or POST (as configured); manual flows are POSTed with {collection, keys}.
  router.get('/trigger/:id', run);
  router.post('/trigger/:id', run);
  router.get(
    '/:id/runs',
    asyncHandler(async (req, res) => {
      if (!req.accountability?.admin) throw errors.FORBIDDEN();
      res.json({ data: await flows.runs(req.params.id, Number(req.query.limit ?? 20)) });
    }),
  );
  crudRoutes(router, {
    collection: 'directus_flows',
    makeService: (c, options) => new context.services.ItemsService(c, options),
  });
}

function operationsRoutes(router, context) {
  crudRoutes(router, {
    collection: 'directus_operations',
    makeService: (c, options) => new context.services.ItemsService(c, options),
  });
}

export const endpoints = [
  { name: 'flows', config: flowsRoutes },
  { name: 'operations', config: operationsRoutes },
];
export const hooks = [];
export const operations = [];
