import fs from 'node:fs/promises';
import type { Context } from 'koa';
import { match } from 'path-to-regexp';
import type { CallOptions, SandboxInstance } from '@annex/runtime';
import type { Scopes } from '@annex/runtime/protocol';
import type { Accountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import { isSystemEvent } from '../events/host-events.js';
import { withExtensionChain } from '../flows/chain.js';
import { convertExpressPath } from '../http/express-adapter.js';
import { getSandboxResponseHead } from '../http/sandbox-response-policy.js';
import type { Kernel } from '../kernel.js';
import type { CallTokens } from '../sandbox/call-tokens.js';
import { endpointMountId } from './activate-trusted.js';
import type { Disposer } from './context.js';
import { track, type Generation } from './generation.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';

async function readSourceMap(file: string): Promise<string | undefined> {
  return fs.readFile(`${file}.map`, 'utf8').catch(() => undefined);
}

/**
 * Event meta as plain data: host objects in meta (the koa app of `app.after`, a server) are
 * dropped rather than offered to the sandbox.
 */
function plainMeta(meta: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
    else if (typeof v === 'object' && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype)) {
      try {
        out[k] = JSON.parse(JSON.stringify(v));
      } catch {
        /* cyclic: not copyable */
      }
    }
  }
  return out;
}

/** Plain, copyable view of an event context (no knex, no schema object graph). */
function eventContextCopy(context: { accountability?: unknown } | undefined) {
  const acc = context?.accountability as Accountability | null | undefined;
  return { accountability: acc ? { user: acc.user, role: acc.role, admin: acc.admin, app: acc.app } : null };
}

/** The item operation an event name ends with, and the `items` scope action it needs. */
const ITEM_OPERATIONS: Record<string, 'create' | 'update' | 'delete'> = { create: 'create', update: 'update', delete: 'delete' };

/**
 * `items.create`, `articles.items.update`, `users.delete`…: an event (or pattern) about writing
 * items. Reads are not offered: a `query` filter rewrites what the caller (not the hook) reads,
 * and `read` carries whatever relations the caller expanded, beyond the hook's scope.
 */
function itemEventPattern(event: string): boolean {
  const parts = event.split('.');
  const op = parts[parts.length - 1]!;
  return parts.length >= 2 && (op === '*' || Object.hasOwn(ITEM_OPERATIONS, op)) && !isSystemEvent(event);
}

/** Whether a sandboxed hook with `granted` scopes may see this emission (its collection and action are in scope). */
function eventAllowed(event: string, meta: Record<string, unknown> | undefined, granted: Scopes): boolean {
  const op = event.split('.').pop()!;
  const action = Object.hasOwn(ITEM_OPERATIONS, op) ? ITEM_OPERATIONS[op] : undefined;
  const collection = typeof meta?.collection === 'string' ? meta.collection : undefined;
  // System collections (users, files, roles…) carry the host's own rules: never offered.
  if (!action || !collection || collection.startsWith('directus_') || !granted.items || !Object.hasOwn(granted.items, collection)) return false;
  return granted.items[collection]!.includes(action);
}

/** FORBIDDEN when a filter's `result` gives a relational field an object or list the caller did not send. */
async function assertNoNewRelationalWrites(kernel: Kernel, collection: string, before: unknown, result: unknown): Promise<void> {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return;
  const col = (await kernel.schema.get()).collections[collection];
  if (!col) return;
  const original = before && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  for (const [field, value] of Object.entries(result)) {
    const f = col.fields[field];
    if (!f || !(f.relatedCollection || f.o2m) || value === null || typeof value !== 'object') continue;
    if (JSON.stringify(value) !== JSON.stringify(original[field])) throw errors.FORBIDDEN();
  }
}

const SANDBOX_CSP = 'sandbox allow-scripts allow-forms allow-popups allow-downloads';
/** What koa sets for an object body. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function headersOf(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) if (typeof v === 'string' && k !== 'authorization' && k !== 'cookie') out[k] = v;
  return out;
}

/**
 * Loads a sandboxed unit into the sandbox engine and maps what it registered onto the host's
 * mounts, emitter, scheduler, embeds and operations — each gated by the generation.
 */
export async function activateSandboxedUnit(
  kernel: Kernel,
  tokens: CallTokens,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
  granted: Scopes,
  disposers: Disposer[],
  gen: Generation,
): Promise<SandboxInstance> {
  const engine = await kernel.sandbox();
  const file = unit.entry.api!;
  const code = await fs.readFile(file, 'utf8');
  const allowed = new Set(kernel.config.envAllowList);
  const env: Record<string, string> = {};
  for (const name of granted.env ?? []) if (allowed.has(name) && kernel.config.env[name] !== undefined) env[name] = kernel.config.env[name]!;
  const instance = await engine.load({
    id: unit.id,
    version: desc.version,
    type: unit.type as 'hook' | 'endpoint' | 'operation',
    code,
    filename: file,
    sourceMap: await readSourceMap(file),
    grantedScopes: granted,
    env,
    limits: { memoryMb: kernel.config.sandbox.memoryMb, cpuTimeoutMs: kernel.config.sandbox.timeoutMs, wallTimeoutMs: kernel.config.sandbox.wallTimeoutMs },
  });
  disposers.push(() => instance.dispose());

  const call = (handler: number, args: unknown[], accountability: Accountability | null, options?: CallOptions) =>
    track(gen, () => withExtensionChain(unit.id, () => instance.call(handler, args, tokens.issue(accountability), options)));

  const regs = instance.registrations;
  if (unit.type === 'endpoint') {
    const id = regs.endpointId ?? endpointMountId(unit.name);
    const routes = regs.routes.map((r) => ({ ...r, match: match(convertExpressPath(r.path), { decode: decodeURIComponent }) }));
    disposers.push(
      kernel.mounts.add(id, async (ctx: Context, sub: string) => {
        if (!gen.live) return false;
        for (const r of routes) {
          if (r.method !== ctx.method && !(r.method === 'GET' && ctx.method === 'HEAD')) continue;
          const m = r.match(sub);
          if (!m) continue;
          const acc = (ctx.state.accountability ?? null) as Accountability | null;
          // The caller's `?access_token` authenticated the request; like the Authorization header, it is not the extension's.
          let query = ctx.query;
          let querystring = ctx.querystring;
          if (query.access_token !== undefined) {
            query = { ...query };
            delete query.access_token;
            const search = new URLSearchParams(querystring);
            search.delete('access_token');
            querystring = search.toString();
          }
          const request = {
            method: ctx.method,
            url: sub + (querystring ? `?${querystring}` : ''),
            path: sub,
            query,
            params: m.params,
            headers: headersOf(ctx),
            body: (ctx.request as { body?: unknown }).body ?? null,
          };
          // Served on the app's origin, an extension's HTML would run as the signed-in admin's page:
          // whatever it returns is rendered in an opaque origin (scripts run, but not as this site).
          // Constant, valid headers, set before the call so an error response carries them too.
          ctx.res.setHeader('Content-Security-Policy', SANDBOX_CSP);
          ctx.res.setHeader('X-Content-Type-Options', 'nosniff');
          // The request is JSON data the host built (the body as the body parser read it): it crosses as text, unwalked.
          const res = (await call(r.handler, [request], acc, { jsonBody: true, jsonArgs: true })) as { status?: number; headers?: Record<string, string>; body?: unknown; json?: string } | undefined;
          // Checked as a whole before anything is set: a refused response leaves only the host's headers.
          const head = getSandboxResponseHead(unit.id, res?.status, res?.headers);
          ctx.status = head.status;
          for (const [k, v] of head.headers) ctx.set(k, v);
          if (typeof res?.json === 'string') {
            /* Serialised in the isolate; typed as koa types an object body (before the body, so koa does not type the text first). */
            ctx.res.setHeader('Content-Type', JSON_CONTENT_TYPE);
            ctx.body = res.json;
          } else ctx.body = res?.body ?? '';
          return true;
        }
        return false;
      }, unit.id, { exclusive: true }),
    );
  }
  // A hook sees (and a filter may rewrite) what its events carry: only item events of collections its
  // `items` scope grants for that action. Others (authentication, logins, the server) are not offered.
  const mayHear = (event: string, meta: Record<string, unknown> | undefined) => eventAllowed(event, meta, granted);
  for (const f of regs.filters) {
    if (!itemEventPattern(f.event)) {
      kernel.logger.warn({ extension: unit.id, event: f.event }, 'a sandboxed hook may only filter item events of collections in its "items" scope; this filter is not registered');
      continue;
    }
    disposers.push(kernel.emitter.onFilter(f.event, async (payload, meta, context) => {
      if (!gen.live || !mayHear(String(meta?.event ?? f.event), meta)) return undefined;
      const result = await call(f.handler, [payload, plainMeta(meta), eventContextCopy(context)], (context?.accountability as Accountability) ?? null);
      // The caller's write runs with the caller's rights: a hook may change its own collection's
      // fields, not turn it into a nested write elsewhere.
      if (result !== undefined) await assertNoNewRelationalWrites(kernel, String(meta?.collection), payload, result);
      return result;
    }, unit.id));
  }
  for (const a of regs.actions) {
    if (!itemEventPattern(a.event)) {
      kernel.logger.warn({ extension: unit.id, event: a.event }, 'a sandboxed hook may only act on item events of collections in its "items" scope; this action is not registered');
      continue;
    }
    disposers.push(kernel.emitter.onAction(a.event, async (meta, context) => {
      if (gen.live && mayHear(String(meta?.event ?? a.event), meta)) await call(a.handler, [plainMeta(meta), eventContextCopy(context)], (context?.accountability as Accountability) ?? null);
    }, unit.id));
  }
  for (const i of regs.inits) {
    disposers.push(kernel.emitter.onInit(i.event, async (meta) => {
      if (gen.live) await call(i.handler, [plainMeta(meta)], null);
    }, unit.id));
  }
  regs.schedules.forEach((s, index) => {
    disposers.push(kernel.scheduler.schedule(s.cron, async () => {
      if (gen.live) await call(s.handler, [], null);
    }, unit.id, `${unit.id}:${index}`));
  });
  // Embedded HTML runs in the admin's pages, with the admin's session: only with the `embed` scope granted.
  if (regs.embeds.length && !granted.embed) kernel.logger.warn({ extension: unit.id, embeds: regs.embeds.length }, 'sandboxed extension embeds HTML without the "embed" scope granted; its embeds are not rendered');
  else for (const e of regs.embeds) disposers.push(kernel.embeds.add(e.position, () => (gen.live ? e.html : ''), unit.id));
  if (regs.operation) {
    const h = regs.operation.handler;
    disposers.push(
      kernel.operations.register(
        regs.operation.id,
        (options, flowContext) => call(h, [options, { data: flowContext.data ?? {}, accountability: eventContextCopy(flowContext).accountability }], (flowContext.accountability as Accountability) ?? null),
        unit.id,
        gen,
        { exclusive: true },
      ),
    );
  }
  return instance;
}
