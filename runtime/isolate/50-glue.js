// 50: registration glue for the Directus shapes (endpoint router or {id, handler}; hook
// register.filter/action/init/schedule/embed; operation {id, handler}) and handler invocation.
// Registration is open only while the default export runs; handler ids are indexes, so the
// same code registers the same ids every time its isolate is re-created.

const handlers = [];
let registering = false;
const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** Where the per-call context object (with `accountability`) goes in each handler's arguments. */
const CONTEXT_INDEX = { filter: 2, action: 1, init: 1, schedule: 0, operation: 1 };

function registrationError(reason) {
  return codedError('RT_INVALID_REGISTRATION', 'Invalid registration: ' + reason, 400);
}

function addHandler(kind, fn) {
  if (!registering) throw registrationError('handlers can only be registered while the extension loads');
  if (typeof fn !== 'function') throw registrationError(kind + ' handler must be a function');
  handlers.push({ kind, fn });
  return handlers.length - 1;
}

/**
 * Registrations per extension are capped (config.registrationLimits): every handler slows each
 * event or request it matches, every schedule adds ticks, every embed adds to each page.
 * `events` counts filters, actions and inits together.
 */
const registered = { routes: 0, events: 0, schedules: 0, embeds: 0 };
function countRegistration(kind) {
  const limits = isObject(config.registrationLimits) ? config.registrationLimits : {};
  const limit = typeof limits[kind] === 'number' ? limits[kind] : 0;
  if (registered[kind] >= limit) {
    const e = codedError('RT_REGISTRATION_LIMIT', 'Too many ' + kind + ' registered (limit ' + limit + ')', 400);
    e.details = { kind, limit };
    throw e;
  }
  registered[kind]++;
}

function checkString(value, what, max) {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw registrationError(what + ' must be a non-empty string of at most ' + max + ' characters');
  return value;
}

function registrationContext() {
  return { env: ObjectFreeze({ ...(isObject(config.local.env) ? config.local.env : {}) }), logger: consoleObject };
}

function registerEndpoint(exp, reg) {
  let fn = exp;
  if (isObject(exp) && typeof exp.handler === 'function') {
    reg.endpointId = checkString(exp.id, 'endpoint id', 128);
    fn = exp.handler;
  }
  if (typeof fn !== 'function') throw codedError('RT_INVALID_EXPORT', 'Invalid default export: an endpoint exports a function (router, context) or { id, handler }', 400);
  const router = {};
  for (const m of ROUTE_METHODS) {
    router[m] = (path, handler) => {
      checkString(path, 'route path', 1024);
      if (path[0] !== '/') throw registrationError('route path must start with "/"');
      if (registering) countRegistration('routes');
      reg.routes.push({ method: m.toUpperCase(), path, handler: addHandler('route', handler) });
      return router;
    };
  }
  fn(ObjectFreeze(router), registrationContext());
}

function registerHook(exp, reg) {
  if (typeof exp !== 'function') throw codedError('RT_INVALID_EXPORT', 'Invalid default export: a hook exports a function (register, context)', 400);
  const event = (list, kind) => (name, handler) => {
    if (registering) countRegistration('events');
    list.push({ event: checkString(name, kind + ' event', 256), handler: addHandler(kind, handler) });
  };
  const register = {
    filter: event(reg.filters, 'filter'),
    action: event(reg.actions, 'action'),
    init: event(reg.inits, 'init'),
    schedule: (cron, handler) => {
      if (registering) countRegistration('schedules');
      reg.schedules.push({ cron: checkString(cron, 'schedule cron expression', 128), handler: addHandler('schedule', handler) });
    },
    embed: (position, content) => {
      if (!registering) throw registrationError('embeds can only be registered while the extension loads');
      if (position !== 'head' && position !== 'body') throw registrationError('embed position must be "head" or "body"');
      countRegistration('embeds');
      const html = typeof content === 'function' ? content() : content;
      reg.embeds.push({ position, html: checkString(html, 'embed content', 65536) });
    },
  };
  exp(ObjectFreeze(register), registrationContext());
}

function registerOperation(exp, reg) {
  if (!isObject(exp) || typeof exp.handler !== 'function') throw codedError('RT_INVALID_EXPORT', 'Invalid default export: an operation exports { id, handler }', 400);
  reg.operation = { id: checkString(exp.id, 'operation id', 128), handler: addHandler('operation', exp.handler) };
}

/** Entry point for the host: run the default export once; returns what it registered or why it failed. */
function register(type, namespace) {
  const exp = isObject(namespace) && namespace.default !== undefined ? namespace.default : namespace;
  const reg = { routes: [], filters: [], actions: [], inits: [], schedules: [], embeds: [] };
  registering = true;
  try {
    if (type === 'endpoint') registerEndpoint(exp, reg);
    else if (type === 'hook') registerHook(exp, reg);
    else registerOperation(exp, reg);
  } catch (e) {
    const rec = toRecord(e);
    if (rec.code === 'RT_REGISTRATION_LIMIT' && isObject(e) && isObject(e.details)) rec.details = { kind: StringCtor(e.details.kind), limit: NumberCtor(e.details.limit) };
    return { ok: false, error: rec };
  } finally {
    registering = false;
  }
  return { ok: true, registrations: reg };
}

function normaliseRouteResult(r) {
  if (!isObject(r) || typeof r.status !== 'number') return { status: 200, body: r === undefined ? null : r };
  // Passed on as given: the host decides which statuses it sends (its response policy), with a coded error.
  const out = { status: r.status, body: r.body === undefined ? null : r.body };
  if (isObject(r.headers)) {
    const h = {};
    for (const k of ObjectKeys(r.headers)) {
      const v = r.headers[k];
      if (typeof v === 'string' || typeof v === 'number') h[k.toLowerCase()] = StringCtor(v);
      else if (ArrayIsArray(v)) h[k.toLowerCase()] = v.map(StringCtor);
    }
    out.headers = h;
  }
  return out;
}

function finish(callId, ok, value, fromExtension) {
  // Checked before `done` copies the value out (see exceedsPayload).
  if (ok === true && exceedsPayload(value, config.maxPayloadBytes)) {
    done(callId, false, { code: 'RT_PAYLOAD_TOO_LARGE', message: 'Payload exceeds ' + config.maxPayloadBytes + ' bytes', status: 413, details: { limit: config.maxPayloadBytes } }, false);
    return;
  }
  try {
    done(callId, ok, value, fromExtension);
  } catch (_) {
    done(callId, false, { code: 'RT_RESULT_NOT_CLONEABLE', message: 'Extension returned a value that cannot be copied out of the sandbox', status: 500 }, false);
  }
}

/**
 * A route's object body as JSON text, serialised here (`toJSON` applies, as in `res.json`) so only
 * one string leaves the isolate. Binary bodies and values JSON cannot write keep the copy path.
 */
function withJsonBody(out) {
  const body = out.body;
  if (!isObject(body) || ArrayBufferIsView(body) || body instanceof ArrayBufferCtor) return out;
  let json;
  try {
    json = JSONStringify(body);
  } catch (_) {
    return out;
  }
  if (typeof json !== 'string') return out;
  const res = { status: out.status, json };
  if (out.headers !== undefined) res.headers = out.headers;
  return res;
}

function routeResult(v, jsonBody) {
  const out = normaliseRouteResult(v);
  return jsonBody === true ? withJsonBody(out) : out;
}

/**
 * Entry point for the host: invoke one handler; the outcome is reported through `done`. `args`
 * is the argument list or its JSON text.
 */
function invoke(callId, handlerId, args, accountability, jsonBody) {
  const h = handlers[handlerId];
  if (!h) return finish(callId, false, { code: 'RT_HANDLER_NOT_FOUND', message: 'No handler with id ' + handlerId, status: 500 }, false);
  let list = ArrayIsArray(args) ? args : [];
  if (typeof args === 'string') {
    try {
      const parsed = JSONParse(args);
      if (ArrayIsArray(parsed)) list = parsed;
    } catch (_) {
      return finish(callId, false, { code: 'INVALID_PAYLOAD', message: 'Invalid payload: arguments are not valid JSON', status: 400 }, false);
    }
  }
  let result;
  try {
    if (h.kind === 'route') {
      const req = isObject(list[0]) ? list[0] : {};
      req.accountability = accountability;
      list[0] = req;
    } else {
      const at = CONTEXT_INDEX[h.kind];
      const ctx = isObject(list[at]) ? list[at] : {};
      ctx.accountability = accountability;
      if (h.kind === 'operation' && !isObject(ctx.data)) ctx.data = {};
      list[at] = ctx;
    }
    result = ReflectApply(h.fn, undefined, list);
    /* A plain value is answered in this entry: no promise job, and the host can send it on at once. */
    if (!((isObject(result) || typeof result === 'function') && typeof result.then === 'function')) return settleValue(callId, h, result, jsonBody);
  } catch (e) {
    return finish(callId, false, toRecord(e), true);
  }
  PromiseResolve(result).then(
    (v) => settleValue(callId, h, v, jsonBody),
    (e) => finish(callId, false, toRecord(e), true),
  );
}

/** Report a handler's value; reading it may run the extension's getters, and what they throw is its error. */
function settleValue(callId, h, v, jsonBody) {
  let value;
  try {
    value = h.kind === 'route' ? routeResult(v, jsonBody) : h.kind === 'operation' && v === undefined ? null : v;
  } catch (e) {
    return finish(callId, false, toRecord(e), true);
  }
  finish(callId, true, value, true);
}
