// 40: the `directus:api` (alias `annex:api`) exports, built from the capability table as data.
// `layout` rows are {name, mode, scope, factory?}: `async` rows cross to the host, `fire` rows
// cross without waiting, `local` rows are answered here from `config.local[name]`.
// A namespace with `factory` is also a function binding its first arguments, so
// `items('articles', { accountability }).readOne(1)` and `items.readOne('articles', 1)` both work.

const grantedScopes = new SetCtor(config.granted);

function requireScope(scope, name) {
  if (!grantedScopes.has(scope)) throw codedError('FORBIDDEN', 'You don\'t have permission to access "' + name + '"', 403);
}

/**
 * The token of the accountability an extension passes to act as a user. A non-null
 * accountability without a token is sent as '' so the host refuses it instead of falling back
 * to the extension's own identity.
 */
function tokenOf(options) {
  if (!isObject(options) || options.accountability === undefined || options.accountability === null) return null;
  const t = isObject(options.accountability) ? options.accountability.token : undefined;
  return typeof t === 'string' ? t : '';
}

/**
 * The host sends a JSON response's body as text (it never parses untrusted JSON on its own
 * thread); it is parsed here, on this extension's CPU and memory. Invalid JSON stays text, as before.
 */
function decodeRequestResult(res) {
  if (!isObject(res) || res.parse !== 'json') return res;
  let data;
  try {
    data = JSONParse(res.data);
  } catch (_) {
    data = res.data;
  }
  return { status: res.status, statusText: res.statusText, headers: res.headers, data, url: res.url };
}

/**
 * Directus's sandboxed `request` is axios: an answer outside 2xx rejects, with the response on the
 * error (`error.response.{status, statusText, headers, data}`), as extensions written for it expect.
 * (`fetch` resolves with any status, as fetch does.)
 */
function requestOutcome(res) {
  const decoded = decodeRequestResult(res);
  if (isObject(decoded) && typeof decoded.status === 'number' && (decoded.status < 200 || decoded.status >= 300)) {
    const error = new ErrorCtor('Request failed with status code ' + decoded.status);
    error.code = 'ERR_BAD_RESPONSE';
    error.status = decoded.status;
    error.response = decoded;
    throw error;
  }
  return decoded;
}

function makeCapability(entry, bound, token) {
  const name = entry.name;
  if (entry.mode === 'async') {
    if (name === 'request') {
      return function (...args) {
        return callCapability(name, bound.length ? [...bound, ...args] : args, token).then(requestOutcome);
      };
    }
    return function (...args) {
      return callCapability(name, bound.length ? [...bound, ...args] : args, token);
    };
  }
  if (entry.mode === 'fire') {
    return function (...args) {
      requireScope(entry.scope, name);
      if (exceedsPayload(args, config.maxPayloadBytes)) throw payloadTooLargeError(config.maxPayloadBytes);
      try {
        send(name, args, null);
      } catch (_) {
        throw codedError('INVALID_PAYLOAD', 'Arguments of "' + name + '" cannot be copied out of the sandbox', 400);
      }
    };
  }
  const table = isObject(config.local[name]) ? config.local[name] : {};
  return function (key) {
    requireScope(entry.scope, name);
    if (typeof key !== 'string' || !ObjectHasOwn(table, key)) throw codedError('FORBIDDEN', 'You don\'t have permission to access "' + name + '(' + StringCtor(key) + ')"', 403);
    return table[key];
  };
}

function buildApi() {
  const api = ObjectCreate(null);
  const namespaces = new MapCtor();
  for (const entry of layout) {
    const dot = entry.name.indexOf('.');
    if (dot === -1) {
      api[entry.name] = makeCapability(entry, [], null);
      continue;
    }
    const ns = entry.name.slice(0, dot);
    if (!namespaces.has(ns)) namespaces.set(ns, []);
    namespaces.get(ns).push(entry);
  }
  for (const [ns, members] of namespaces) {
    const factory = members[0].factory || 0;
    let target;
    if (factory > 0) {
      target = function (...args) {
        const bound = args.slice(0, factory);
        const token = tokenOf(args[factory]);
        const obj = {};
        for (const m of members) obj[m.name.slice(ns.length + 1)] = makeCapability(m, bound, token);
        return ObjectFreeze(obj);
      };
    } else target = {};
    for (const m of members) target[m.name.slice(ns.length + 1)] = makeCapability(m, [], null);
    api[ns] = ObjectFreeze(target);
  }
  return ObjectFreeze(api);
}
