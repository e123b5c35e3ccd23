// 30: host-backed globals: console (→ the extension's log, rate-limited by the host), bounded
// timers, crypto randomness, capability calls and fetch (= the `request` capability).

const MAX_LOG_CHARS = 8192;

function inspect(v, depth, seen) {
  if (typeof v === 'string') return depth === 0 ? v : JSONStringify(v);
  if (typeof v === 'bigint') return StringCtor(v) + 'n';
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return '[Function: ' + (v.name || 'anonymous') + ']';
  if (!isObject(v)) return StringCtor(v);
  if (v instanceof ErrorCtor) return typeof v.stack === 'string' ? v.stack : v.name + ': ' + v.message;
  if (seen.has(v)) return '[Circular]';
  if (depth > 2) return ArrayIsArray(v) ? '[Array]' : '[Object]';
  seen.add(v);
  let out;
  if (ArrayIsArray(v)) out = '[ ' + v.slice(0, 100).map((x) => inspect(x, depth + 1, seen)).join(', ') + (v.length > 100 ? ', ...' : '') + ' ]';
  else if (v instanceof MapCtor) out = 'Map(' + v.size + ') { ' + [...v].slice(0, 100).map(([k, x]) => inspect(k, depth + 1, seen) + ' => ' + inspect(x, depth + 1, seen)).join(', ') + ' }';
  else if (v instanceof SetCtor) out = 'Set(' + v.size + ') { ' + [...v].slice(0, 100).map((x) => inspect(x, depth + 1, seen)).join(', ') + ' }';
  else if (v instanceof Date) out = v.toISOString();
  else out = '{ ' + ObjectKeys(v).slice(0, 100).map((k) => k + ': ' + inspect(v[k], depth + 1, seen)).join(', ') + ' }';
  seen.delete(v);
  return out;
}

/** util.format-like: %s %d %i %f %j %o %O %% in a leading string, then the rest joined by spaces. */
function formatLog(args) {
  let out = '';
  let i = 0;
  try {
    if (typeof args[0] === 'string' && args[0].includes('%')) {
      i = 1;
      out = args[0].replace(/%[sdifjoO%]/g, (m) => {
        if (m === '%%') return '%';
        if (i >= args.length) return m;
        const a = args[i++];
        if (m === '%s') return typeof a === 'string' ? a : inspect(a, 1, new SetCtor());
        if (m === '%d' || m === '%i') return StringCtor(m === '%i' ? MathFloor(NumberCtor(a)) : NumberCtor(a));
        if (m === '%f') return StringCtor(NumberCtor(a));
        if (m === '%j') return JSONStringify(a);
        return inspect(a, 1, new SetCtor());
      });
    }
    for (; i < args.length; i++) out += (out ? ' ' : '') + inspect(args[i], 0, new SetCtor());
  } catch (e) {
    out += ' [unprintable]';
  }
  return out.length > MAX_LOG_CHARS ? out.slice(0, MAX_LOG_CHARS) + '... (truncated)' : out;
}

const consoleObject = {};
for (const [method, level] of [['log', 'info'], ['info', 'info'], ['debug', 'debug'], ['trace', 'debug'], ['warn', 'warn'], ['error', 'error']]) {
  consoleObject[method] = function (...args) {
    logPort(level, formatLog(args));
  };
}

// ---- timers: the isolate keeps the callbacks; the host only keeps (id, delay).
const timers = new MapCtor();
let timerSeq = 0;

function addTimer(fn, ms, args, repeat) {
  if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be a function');
  if (timers.size >= config.maxTimers) throw codedError('RT_TIMER_LIMIT', 'Too many pending timers (limit ' + config.maxTimers + ')', 500);
  let delay = NumberCtor(ms);
  if (!(delay >= 1)) delay = 1;
  if (delay > 2147483647) delay = 2147483647;
  if (repeat && delay < 10) delay = 10;
  const id = ++timerSeq;
  timers.set(id, { fn, args, repeat, delay });
  timerPort(1, id, delay);
  return id;
}

function clearTimer(id) {
  if (typeof id === 'number' && timers.delete(id)) timerPort(0, id, 0);
}

/** Entry point for the host when a timer is due (a bounded synchronous run). */
function fireTimer(id) {
  const t = timers.get(id);
  if (!t) return;
  if (t.repeat) timerPort(1, id, t.delay);
  else timers.delete(id);
  try {
    const r = ReflectApply(t.fn, undefined, t.args);
    if (isObject(r) && typeof r.then === 'function') r.then(undefined, (e) => logPort('error', 'Uncaught (in timer) ' + formatLog([e])));
  } catch (e) {
    logPort('error', 'Uncaught (in timer) ' + formatLog([e]));
  }
}

// ---- crypto: bytes come from the host's CSPRNG, pooled to keep calls cheap.
let randomPool = new Uint8ArrayCtor(config.randomPool);
let randomPos = 0;
function randomBytes(n) {
  if (randomPos + n > randomPool.length) {
    randomPool = new Uint8ArrayCtor(randomPort(n > 4096 ? n : 4096));
    randomPos = 0;
  }
  const out = randomPool.slice(randomPos, randomPos + n);
  randomPos += n;
  return out;
}

const cryptoObject = {
  getRandomValues(array) {
    if (!ArrayBufferIsView(array) || array instanceof Float32Array || array instanceof Float64Array || array instanceof DataView) {
      throw codedError('TypeMismatchError', 'The data argument must be an integer-type TypedArray', 400);
    }
    if (array.byteLength > 65536) throw codedError('QuotaExceededError', 'The ArrayBufferView byte length exceeds 65536', 400);
    new Uint8ArrayCtor(array.buffer, array.byteOffset, array.byteLength).set(randomBytes(array.byteLength));
    return array;
  },
  randomUUID() {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = '';
    for (let i = 0; i < 16; i++) h += (b[i] < 16 ? '0' : '') + b[i].toString(16) + (i === 3 || i === 5 || i === 7 || i === 9 ? '-' : '');
    return h;
  },
};

// ---- capability calls: `send` copies the arguments out (getters run once, here, in the
// extension's realm); the host validates that copy and answers later through `resolveCapability`.
const pendingCalls = new MapCtor();

function callCapability(name, args, token) {
  return new PromiseCtor((resolve, reject) => {
    let r;
    if (exceedsPayload(args, config.maxPayloadBytes)) {
      reject(payloadTooLargeError(config.maxPayloadBytes));
      return;
    }
    try {
      r = send(name, args, token === undefined ? null : token);
    } catch (_) {
      reject(codedError('INVALID_PAYLOAD', 'Arguments of "' + name + '" cannot be copied out of the sandbox (functions, symbols, proxies and host objects are not allowed)', 400));
      return;
    }
    if (typeof r === 'number') pendingCalls.set(r, { resolve, reject });
    else reject(errorFromRecord(r));
  });
}

/** Entry point for the host when a capability call settles. */
function resolveCapability(id, ok, value) {
  const p = pendingCalls.get(id);
  if (!p) return;
  pendingCalls.delete(id);
  if (ok) p.resolve(value);
  else p.reject(errorFromRecord(value));
}

function fetchBody(body, headers) {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return body.toString();
  }
  if (body instanceof ArrayBufferCtor || ArrayBufferIsView(body)) return utf8Decode(toBytes(body), false);
  return StringCtor(body);
}

/** WHATWG-style fetch over the `request` capability (same scope, same checks); bodies are text. */
async function fetch(input, init) {
  const opts = isObject(init) ? init : {};
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : isObject(input) && typeof input.url === 'string' ? input.url : StringCtor(input);
  const headers = new Headers(opts.headers);
  const body = fetchBody(opts.body, headers);
  const options = { method: StringCtor(opts.method || 'GET').toUpperCase(), headers: [...headers], responseType: 'text' };
  if (body !== undefined) options.body = body;
  const res = await callCapability('request', [url, options], null);
  let used = false;
  const take = () => {
    if (used) throw new TypeErrorCtor('Body has already been used');
    used = true;
    return typeof res.data === 'string' ? res.data : JSONStringify(res.data);
  };
  const response = {
    ok: res.status >= 200 && res.status < 300,
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    redirected: res.url !== url,
    headers: new Headers(res.headers),
    get bodyUsed() {
      return used;
    },
    text: async () => take(),
    json: async () => JSONParse(take()),
    arrayBuffer: async () => utf8Encode(take()).buffer,
    clone: () => {
      throw new TypeErrorCtor('Response.clone is not supported in the sandbox');
    },
  };
  return response;
}
