// @ts-check
import { asyncHandler, createGraphQLHandler } from '@annex/host/builtins-support';

/** `/graphql` and `/graphql/system`, over GET (query string) or POST (JSON body). */
export default {
  id: 'graphql',
  handler(router, context) {
    const execute = createGraphQLHandler(context.kernel);
    const route = (scope) =>
      asyncHandler(async (req, res) => {
        const input = req.method === 'GET' ? req.query : (req.body ?? {});
        const result = await execute(scope, input, req.accountability, context.kernel.services, {
          readOnly: req.method === 'GET',
        });
        res.status(result.errors && !result.data ? 400 : 200).json(result);
      });
    router.get('/', route('items'));
    router.post('/', route('items'));
    router.get('/system', route('system'));
    router.post('/system', route('system'));
  },
};
