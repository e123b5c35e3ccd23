import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export const ITEM_ACTIONS = ['read', 'create', 'update', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type ItemAction = (typeof ITEM_ACTIONS)[number];

const Empty = z.object({}).strict();

/**
 * Scopes a sandboxed extension may request. `log`, `sleep` and `request` are exactly
 * Directus's format; the rest are Annex capabilities and may be declared either here
 * (extra keys of `requestedScopes`) or under `annex.scopes`.
 */
export const ScopesSchema = z
  .object({
    log: Empty.optional(),
    sleep: Empty.optional(),
    request: z
      .object({
        urls: z.array(z.string().min(1)),
        methods: z.array(z.enum(HTTP_METHODS)),
        /** Annex: allow loopback/private/link-local targets (denied by default). */
        allowPrivate: z.boolean().optional(),
      })
      .optional(),
    items: z.record(z.string().min(1), z.array(z.enum(ITEM_ACTIONS))).optional(),
    env: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an UPPER_SNAKE_CASE variable name')).optional(),
    storage: Empty.optional(),
    emit: z.array(z.string().min(1)).optional(),
    /**
     * Annex: the events a sandboxed hook's `filter`/`action` listen to (what it registers, as it
     * registers it). Not requested in a manifest: the host reads them from the hook at load.
     */
    events: z.array(z.string().min(1).max(256)).optional(),
    /** Annex: a hook's `embed` HTML reaches the admin app's pages (script there runs as the signed-in admin). */
    embed: Empty.optional(),
  })
  .strict();

export type Scopes = z.infer<typeof ScopesSchema>;
export type ScopeName = keyof Scopes;
export const SCOPE_NAMES = Object.keys(ScopesSchema.shape) as ScopeName[];

function uniq<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Union of two scope sets (used to merge `requestedScopes` with `annex.scopes`). */
export function mergeScopes(a: Scopes, b: Scopes): Scopes {
  const out: Scopes = { ...a };
  if (b.log) out.log = {};
  if (b.sleep) out.sleep = {};
  if (b.storage) out.storage = {};
  if (b.embed) out.embed = {};
  if (b.request) {
    out.request = {
      urls: uniq([...(a.request?.urls ?? []), ...b.request.urls]),
      methods: uniq([...(a.request?.methods ?? []), ...b.request.methods]),
      ...(a.request?.allowPrivate || b.request.allowPrivate ? { allowPrivate: true } : {}),
    };
  }
  if (b.items) {
    const items: Record<string, ItemAction[]> = { ...(a.items ?? {}) };
    for (const [c, actions] of Object.entries(b.items)) items[c] = uniq([...(items[c] ?? []), ...actions]);
    out.items = items;
  }
  if (b.env) out.env = uniq([...(a.env ?? []), ...b.env]);
  if (b.emit) out.emit = uniq([...(a.emit ?? []), ...b.emit]);
  if (b.events) out.events = uniq([...(a.events ?? []), ...b.events]);
  return out;
}

/** What `requested` asks for beyond `granted`; an empty object means nothing new. */
export function diffScopes(requested: Scopes, granted: Scopes): Scopes {
  const out: Scopes = {};
  if (requested.log && !granted.log) out.log = {};
  if (requested.sleep && !granted.sleep) out.sleep = {};
  if (requested.storage && !granted.storage) out.storage = {};
  if (requested.embed && !granted.embed) out.embed = {};
  if (requested.request) {
    const urls = requested.request.urls.filter((u) => !granted.request?.urls.includes(u));
    const methods = requested.request.methods.filter((m) => !granted.request?.methods.includes(m));
    const priv = requested.request.allowPrivate && !granted.request?.allowPrivate;
    if (urls.length || methods.length || priv) out.request = { urls, methods, ...(priv ? { allowPrivate: true } : {}) };
  }
  if (requested.items) {
    const items: Record<string, ItemAction[]> = {};
    for (const [c, actions] of Object.entries(requested.items)) {
      const missing = actions.filter((a) => !granted.items?.[c]?.includes(a));
      if (missing.length) items[c] = missing;
    }
    if (Object.keys(items).length) out.items = items;
  }
  if (requested.env) {
    const env = requested.env.filter((n) => !granted.env?.includes(n));
    if (env.length) out.env = env;
  }
  if (requested.emit) {
    const emit = requested.emit.filter((n) => !granted.emit?.includes(n));
    if (emit.length) out.emit = emit;
  }
  if (requested.events) {
    const events = requested.events.filter((n) => !granted.events?.includes(n));
    if (events.length) out.events = events;
  }
  return out;
}

export function isEmptyScopes(scopes: Scopes): boolean {
  return Object.keys(scopes).length === 0;
}
