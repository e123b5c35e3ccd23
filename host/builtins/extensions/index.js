// @ts-check
import { asyncHandler, errors } from '@annex/host/builtins-support';
import { diffScopes, ScopesSchema } from '@annex/runtime/protocol';

function requireAdmin(req) {
  if (!req.accountability?.admin) throw errors.FORBIDDEN();
}

/** Per-extension counters: trusted calls from the generation, sandbox stats from the isolate(s). */
function metricsOf(rec) {
  const g = rec.gen;
  const sandbox = rec.instances.map((i) => ({ id: i.id, ...i.stats() }));
  return {
    calls: (g?.calls ?? 0),
    errors: (g?.errors ?? 0),
    wall_time_ms: +(g?.wallTimeMs ?? 0).toFixed(3),
    in_flight: g?.inFlight ?? 0,
    last_call_error: g?.lastError ?? null,
    activated_at: rec.activatedAt ?? null,
    sandbox,
  };
}

/** Directus `ApiOutput` plus the Annex fields (state, last error, scopes, metrics) for admins. */
export function describe(rec, children, admin) {
  const d = rec.desc;
  const row = rec.row;
  const schema = d
    ? {
        type: d.type, name: d.id, version: d.version, local: d.source !== 'registry', host: d.host, description: d.description ?? null,
        sandbox: d.units.some((u) => u.sandboxed) ? { enabled: true, requestedScopes: row.requested_scopes ?? {} } : { enabled: false },
        ...(d.type === 'bundle' ? { partial: d.partial, entries: d.units.map((u) => ({ name: u.name, type: u.type })) } : {}),
      }
    : null;
  const base = { id: row.id, bundle: null, meta: { id: row.id, enabled: row.enabled, folder: row.folder, source: row.source, bundle: null }, schema };
  const out = [admin ? { ...base, annex: annexFields(rec, row) } : base];
  for (const c of children) {
    const unit = d?.units.find((u) => u.id === c.name);
    out.push({
      id: c.id, bundle: row.id, meta: { id: c.id, enabled: c.enabled, folder: c.folder, source: c.source, bundle: row.id },
      schema: unit ? { type: unit.type, name: unit.name, local: d.source !== 'registry' } : null,
      ...(admin ? { annex: { name: c.name, state: row.enabled && c.enabled ? rec.state : 'inactive', locked: false } } : {}),
    });
  }
  return out;
}

function annexFields(rec, row) {
  const requested = row.requested_scopes ?? {};
  return {
    name: rec.desc?.id ?? rec.found.folder,
    state: rec.state,
    last_error: rec.lastError,
    locked: rec.desc?.locked ?? false,
    required: rec.desc?.required ?? false,
    requested_scopes: requested,
    granted_scopes: row.granted_scopes,
    pending_scopes: row.granted_scopes === null ? requested : diffScopes(requested, row.granted_scopes),
    metrics: metricsOf(rec),
  };
}

export default {
  id: 'extensions',
  handler(router, context) {
    const manager = context.annex.extensions;
    const settings = () => context.annex.knex('directus_extensions').select('*');
    const list = async (admin) => {
      const rows = await settings();
      const out = [];
      for (const rec of manager.records()) {
        const children = rows.filter((r) => r.bundle === rec.row.id).map((r) => ({ ...r, enabled: Boolean(r.enabled) }));
        out.push(...describe(rec, children, admin));
      }
      return out;
    };
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
