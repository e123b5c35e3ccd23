// @ts-check
import {
  asyncHandler,
  errors,
  listExtensions,
  recordExtensionChange,
  requestActor,
} from '@annex/host/builtins-support';
import { ScopesSchema } from '@annex/protocol';

function requireAdmin(req) {
  if (!req.accountability?.admin) throw errors.FORBIDDEN();
}

export default {
  id: 'extensions',
  handler(router, context) {
    const manager = context.kernel.extensions;
    const list = (admin, viewer) => listExtensions(manager, context.kernel.knex, admin, viewer);
    const findRow = async (id) => (await list(true)).find((e) => e.id === id || e.annex?.name === id);
    /** Every change an administrator makes here goes to the activity log (who, what, from where). */
    const audit = (req, action, found, details) =>
      recordExtensionChange(
        context.kernel.knex,
        context.kernel.logger,
        requestActor(req),
        action,
        found.annex?.name ?? found.id,
        details,
      );

    router.get(
      '/',
      asyncHandler(async (req, res) => {
        if (!req.accountability?.user && !req.accountability?.admin) throw errors.FORBIDDEN();
        res.json({ data: await list(req.accountability.admin, req.accountability) });
      }),
    );
    router.get(
      '/:id/status',
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        const found = await findRow(req.params.id);
        if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
        res.json({ data: { id: found.id, ...found.annex } });
      }),
    );
    router.patch(
      '/:id',
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        const meta = req.body?.meta;
        if (!meta || typeof meta !== 'object' || Array.isArray(meta))
          throw errors.INVALID_PAYLOAD({ reason: '"meta" must be an object.' });
        if ('enabled' in meta && typeof meta.enabled !== 'boolean')
          throw errors.INVALID_PAYLOAD({ reason: '"meta.enabled" must be a boolean.' });
        const found = await findRow(req.params.id);
        if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
        if ('roles' in meta && found.bundle)
          throw errors.INVALID_PAYLOAD({ reason: 'Roles apply to a whole bundle: set them on the bundle.' });
        if ('enabled' in meta) {
          await manager.setEnabled(found.id, meta.enabled);
          await audit(req, 'update', found, { enabled: meta.enabled });
        }
        if ('roles' in meta) {
          const roles = await manager.setRoles(found.id, meta.roles);
          await audit(req, 'update', found, { roles });
        }
        res.json({ data: (await list(true)).find((e) => e.id === found.id) });
      }),
    );
    const action = (verb, fn) =>
      asyncHandler(async (req, res) => {
        requireAdmin(req);
        const found = await findRow(req.params.id);
        if (!found || found.bundle) throw errors.HOST_EXTENSION_NOT_FOUND({ id: req.params.id });
        await fn(found, req);
        const after = (await list(true)).find((e) => e.id === found.id);
        await audit(req, verb, found, verb === 'grant' ? { scopes: after?.annex?.granted_scopes ?? null } : undefined);
        res.json({ data: after });
      });
    router.post(
      '/:id/grant',
      action('grant', async (found, req) => {
        let scopes;
        if (req.body?.scopes !== undefined) {
          const parsed = ScopesSchema.safeParse(req.body.scopes);
          if (!parsed.success)
            throw errors.INVALID_PAYLOAD({
              reason: `"scopes" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
            });
          scopes = parsed.data;
        }
        await manager.grant(found.id, scopes);
      }),
    );
    router.post(
      '/:id/revoke',
      action('revoke', (found) => manager.revoke(found.id)),
    );
    router.post(
      '/:id/reset',
      action('reset', (found) => manager.reset(found.id)),
    );
    router.post(
      '/:id/reload',
      action('reload', (found) => manager.reload(found.annex.name ? manager.find(found.id).key : found.id)),
    );
  },
};
