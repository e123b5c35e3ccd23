// @ts-check
import { asyncHandler, errors, listExtensions } from '@annex/host/builtins-support';
import { ScopesSchema } from '@annex/runtime/protocol';

function requireAdmin(req) {
  if (!req.accountability?.admin) throw errors.FORBIDDEN();
}

export default {
  id: 'extensions',
  handler(router, context) {
    const manager = context.annex.extensions;
    const list = (admin) => listExtensions(manager, context.annex.knex, admin);
    const findRow = async (id) => (await list(true)).find((e) => e.id === id || e.annex?.name === id);

    router.get('/', asyncHandler(async (req, res) => {
      if (!req.accountability?.user && !req.accountability?.admin) throw errors.FORBIDDEN();
      res.json({ data: await list(req.accountability.admin) });
    }));
    router.get('/:id/status', asyncHandler(async (req, res) => {
      requireAdmin(req);
      const found = await findRow(req.params.id);
      if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
      res.json({ data: { id: found.id, ...found.annex } });
    }));
    router.patch('/:id', asyncHandler(async (req, res) => {
      requireAdmin(req);
      const meta = req.body?.meta;
      if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw errors.INVALID_PAYLOAD({ reason: '"meta" must be an object.' });
      if ('enabled' in meta && typeof meta.enabled !== 'boolean') throw errors.INVALID_PAYLOAD({ reason: '"meta.enabled" must be a boolean.' });
      const found = await findRow(req.params.id);
      if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
      if ('enabled' in meta) await manager.setEnabled(found.id, meta.enabled);
      res.json({ data: (await list(true)).find((e) => e.id === found.id) });
    }));
    const action = (fn) => asyncHandler(async (req, res) => {
      requireAdmin(req);
      const found = await findRow(req.params.id);
      if (!found || found.bundle) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
      await fn(found, req);
      res.json({ data: (await list(true)).find((e) => e.id === found.id) });
    });
    router.post('/:id/grant', action(async (found, req) => {
      let scopes;
      if (req.body?.scopes !== undefined) {
        const parsed = ScopesSchema.safeParse(req.body.scopes);
        if (!parsed.success) throw errors.INVALID_PAYLOAD({ reason: `"scopes" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}` });
        scopes = parsed.data;
      }
      await manager.grant(found.id, scopes);
    }));
    router.post('/:id/revoke', action((found) => manager.revoke(found.id)));
    router.post('/:id/reset', action((found) => manager.reset(found.id)));
    router.post('/:id/reload', action((found) => manager.reload(found.annex.name ? manager.find(found.id).key : found.id)));
  },
};
