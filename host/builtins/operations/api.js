// @ts-check
import { createRequire } from 'node:module';
import {
  checkPayload,
  createRequestClient,
  errors,
  failedValidation,
  publicAccountability,
  systemAccountability,
} from '@annex/host/builtins-support';

/* jose (about 80 modules) loads on the first json-web-token run, not when the host boots (issue 20). */
const requireHere = createRequire(import.meta.url);
/** @type {typeof import('jose') | undefined} */
let jose;
const loadJose = () => (jose ??= requireHere('jose'));

/** `permissions` option → who the item operations act as (Directus: $trigger | $public | $full | role id). */
async function actingAs(permissions, ctx) {
  if (permissions === '$full') return systemAccountability('flows');
  if (permissions === '$public') return publicAccountability();
  if (!permissions || permissions === '$trigger') return ctx.accountability ?? publicAccountability();
  const role = await ctx.database('directus_roles').where({ id: permissions }).first();
  if (!role) throw errors.INVALID_PAYLOAD({ reason: `Role "${permissions}" does not exist.` });
  return { user: null, role: role.id, admin: Boolean(role.admin_access), app: Boolean(role.app_access) };
}

function parseJson(value, name) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw errors.INVALID_PAYLOAD({ reason: `"${name}" must be valid JSON.` });
  }
}

/**
 * The keys an item operation acts on; null when it is configured without a key (it then acts by
 * `query`, as in Directus). A key written as a template must render to keys: one the trigger left
 * out or sent empty would otherwise fall back to the query and act on the whole collection.
 */
function keysOf(options, ctx) {
  const key = options.key;
  const empty = (k) => k === undefined || k === null || k === '';
  const templated = typeof ctx.template?.key === 'string' && ctx.template.key.includes('{{');
  if (!templated) {
    if (empty(key) || (Array.isArray(key) && key.length === 0)) return null;
    return Array.isArray(key) ? key : [key];
  }
  const list = Array.isArray(key) ? key : [key];
  if (list.length === 0 || list.some((k) => empty(k) || (typeof k !== 'string' && typeof k !== 'number'))) {
    throw errors.INVALID_PAYLOAD({
      reason: 'The operation\'s "key" template rendered no key (a value the trigger did not send?).',
    });
  }
  return list;
}

async function items(ctx, options) {
  const accountability = await actingAs(options.permissions, ctx);
  return new ctx.services.ItemsService(options.collection, { accountability });
}

const handlers = {
  condition(options, { data, accountability }) {
    // As in Directus: every field the filter names must be in the data (requireAll).
    const context = { user: accountability?.user ?? null, role: accountability?.role ?? null, now: new Date() };
    const failures = checkPayload(parseJson(options.filter ?? {}, 'filter'), data, { requireAll: true, context });
    if (failures.length) throw failedValidation(failures);
    return null;
  },
  async 'item-create'(options, ctx) {
    const service = await items(ctx, options);
    const payload = parseJson(options.payload ?? {}, 'payload');
    const opts = { emitEvents: options.emitEvents !== false };
    return Array.isArray(payload) ? service.createMany(payload, opts) : [await service.createOne(payload, opts)];
  },
  async 'item-read'(options, ctx) {
    const service = await items(ctx, options);
    const keys = keysOf(options, ctx);
    const query = parseJson(options.query ?? {}, 'query');
    if (keys?.length === 1) return service.readOne(keys[0], query);
    if (keys) return service.readMany(keys, query);
    return service.readByQuery(query);
  },
  async 'item-update'(options, ctx) {
    const service = await items(ctx, options);
    const keys = keysOf(options, ctx);
    const payload = parseJson(options.payload ?? {}, 'payload');
    const opts = { emitEvents: options.emitEvents !== false };
    if (keys) return service.updateMany(keys, payload, opts);
    return service.updateByQuery(parseJson(options.query ?? {}, 'query'), payload, opts);
  },
  async 'item-delete'(options, ctx) {
    const service = await items(ctx, options);
    const keys = keysOf(options, ctx);
    const opts = { emitEvents: options.emitEvents !== false };
    if (keys) return service.deleteMany(keys, opts);
    return service.deleteByQuery(parseJson(options.query ?? {}, 'query'), opts);
  },
  log(options, { logger }) {
    logger.info(typeof options.message === 'string' ? options.message : JSON.stringify(options.message));
    return null;
  },
  // Directus's mail operation: `body` is HTML for the wysiwyg type (the default), text otherwise.
  async mail(options, ctx) {
    const body = options.body === undefined || options.body === null ? '' : String(options.body);
    const html = (options.type ?? 'wysiwyg') === 'wysiwyg';
    await new ctx.services.MailService({ accountability: ctx.accountability }).send({
      to: options.to,
      subject: options.subject ?? '',
      ...(html ? { html: body } : { text: body }),
    });
    return null;
  },
  async notification(options, ctx) {
    const recipients = Array.isArray(options.recipient) ? options.recipient : [options.recipient].filter(Boolean);
    if (recipients.length === 0) throw errors.INVALID_PAYLOAD({ reason: '"recipient" is required.' });
    const accountability = await actingAs(options.permissions, ctx);
    const service = new ctx.services.NotificationsService({ accountability });
    const keys = [];
    for (const recipient of recipients) {
      keys.push(
        await service.createOne({
          recipient,
          subject: options.subject ?? '',
          message: options.message ?? null,
          collection: options.collection ?? null,
          item: options.item ?? null,
          sender: ctx.accountability?.user ?? null,
          status: 'inbox',
        }),
      );
    }
    return keys;
  },
  // The URL is often a template of what the trigger sent: the same guard as the sandbox's `request`
  // (public addresses only, also after DNS and every redirect; timeout and size caps) unless the
  // operator allows private ones (FLOWS_REQUEST_ALLOW_PRIVATE).
  async request(options, ctx) {
    const headers = Object.fromEntries(
      (options.headers ?? []).filter((h) => h?.header).map((h) => [h.header, String(h.value ?? '')]),
    );
    const body =
      options.body === undefined || options.body === null || typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
    if (
      body &&
      typeof options.body !== 'string' &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    )
      headers['Content-Type'] = 'application/json';
    const client = createRequestClient(
      {
        urls: ['http://*', 'https://*'],
        methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
        allowPrivate: ctx.kernel.config.flowsRequestAllowPrivate,
      },
      { timeoutMs: 30_000, maxResponseBytes: 16 * 1024 * 1024 },
    );
    const { url: _url, ...result } = await client.request(String(options.url), {
      method: String(options.method ?? 'GET').toUpperCase(),
      headers,
      body: body ?? undefined,
    });
    if (result.status >= 400) throw Object.assign(new Error(`Request failed with status ${result.status}`), result);
    return result;
  },
  async sleep(options) {
    const ms = Math.min(Number(options.milliseconds ?? 0), 10 * 60_000);
    await new Promise((r) => setTimeout(r, ms));
    return null;
  },
  'throw-error'(options) {
    const status = Number(options.status ?? 400);
    throw Object.assign(new Error(options.message ?? 'An error was thrown by the flow.'), {
      code: options.code ?? 'FLOW_ERROR',
      status,
    });
  },
  transform(options) {
    return parseJson(options.json ?? null, 'json');
  },
  async trigger(options, ctx) {
    const flows = ctx.kernel.flows;
    const payload = parseJson(options.payload ?? null, 'payload');
    if (!Array.isArray(payload)) return flows.runOperationFlow(options.flow, payload, ctx.accountability);
    if (options.iterationMode === 'parallel')
      return Promise.all(payload.map((p) => flows.runOperationFlow(options.flow, p, ctx.accountability)));
    const out = [];
    for (const p of payload) out.push(await flows.runOperationFlow(options.flow, p, ctx.accountability));
    return out;
  },
  async 'json-web-token'(options) {
    const secret = new TextEncoder().encode(String(options.secret ?? ''));
    const { SignJWT, jwtVerify, decodeJwt } = loadJose();
    if (options.operation === 'sign') {
      if (!options.secret) throw errors.INVALID_PAYLOAD({ reason: '"secret" is required to sign.' });
      const jwt = new SignJWT(parseJson(options.payload ?? {}, 'payload'))
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt();
      const o = parseJson(options.options ?? {}, 'options');
      if (o.expiresIn) jwt.setExpirationTime(o.expiresIn);
      return jwt.sign(secret);
    }
    if (options.operation === 'verify') return (await jwtVerify(String(options.token), secret)).payload;
    if (options.operation === 'decode') return decodeJwt(String(options.token));
    throw errors.INVALID_PAYLOAD({ reason: '"operation" must be sign, verify or decode.' });
  },
  async exec(options, ctx) {
    return ctx.kernel.runScript(String(options.code ?? ''), ctx.data);
  },
};

export const operations = Object.entries(handlers).map(([id, handler]) => ({ name: id, config: { id, handler } }));
export const hooks = [];
export const endpoints = [];
