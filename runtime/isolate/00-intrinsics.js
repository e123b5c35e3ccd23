// Part of the sandbox bootstrap: these files are concatenated, in name order, into the body of
// one strict-mode function `bootstrap(layout, config, send, logPort, timerPort, done, urlPort,
// randomPort, memoryPort)` that runs once per isolate before any extension code. They share its scope.
// Nothing here is trusted by the host: every value leaving the isolate is copied and validated.
//
// 00: intrinsics captured before extension code can touch them, coded errors, small helpers.

const G = globalThis;
const ReflectApply = Reflect.apply;
const ObjectCreate = Object.create;
const ObjectFreeze = Object.freeze;
const ObjectKeys = Object.keys;
const ObjectDefine = Object.defineProperty;
const ObjectHasOwn = Object.hasOwn;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ReflectOwnKeys = Reflect.ownKeys;
const ArrayIsArray = Array.isArray;
const StringCtor = String;
const NumberCtor = Number;
const MathFloor = Math.floor;
const MathMin = Math.min;
const MapCtor = Map;
const SetCtor = Set;
const WeakMapCtor = WeakMap;
const PromiseCtor = Promise;
const PromiseResolve = (v) => PromiseCtor.resolve(v);
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const Uint8ArrayCtor = Uint8Array;
const ArrayBufferCtor = ArrayBuffer;
const ArrayBufferIsView = ArrayBuffer.isView;
const FromCharCode = String.fromCharCode;

function isObject(v) {
  return v !== null && typeof v === 'object';
}

/** An error raised by the runtime inside the isolate: code and status as own properties, no host frames. */
function codedError(code, message, status) {
  const e = new ErrorCtor(message);
  e.code = code;
  e.status = status;
  e.stack = 'Error [' + code + ']: ' + message;
  return e;
}

/** Build an in-isolate error from a record the host sent (never a host Error object). */
function errorFromRecord(r) {
  if (!isObject(r)) return codedError('RT_INTERNAL', 'Internal sandbox error', 500);
  const e = codedError(StringCtor(r.code), StringCtor(r.message), typeof r.status === 'number' ? r.status : 500);
  if (isObject(r.details)) e.details = r.details;
  return e;
}

/** Turn anything an extension threw into a plain record; keeps its code and status. */
function toRecord(e) {
  let code = 'RT_EXTENSION_ERROR';
  let status = 500;
  let message = 'Extension threw a non-error value';
  let stack;
  try {
    if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
      const c = e.code;
      const s = e.status;
      const m = e.message;
      const st = e.stack;
      if (typeof c === 'string' && c.length > 0 && c.length <= 128) code = c;
      if (typeof s === 'number' && s >= 400 && s <= 599 && MathFloor(s) === s) status = s;
      if (typeof m === 'string') message = m.slice(0, 4096);
      if (typeof st === 'string') stack = st.slice(0, 16384);
    } else {
      message = StringCtor(e).slice(0, 4096);
    }
  } catch (_) {
    /* a throwing getter leaves the defaults */
  }
  const rec = { code, message, status };
  if (stack !== undefined) rec.stack = stack;
  return rec;
}

/**
 * Whether the strings and binary data in `value` are past `limit` bytes, measured here, before
 * anything is copied out: a huge string must not cost the worker's thread a copy before its size
 * is known. Only own data properties are read (descriptors: no getter runs, so what is measured is
 * what the copy reads), to a bounded depth and number of entries; shapes this cannot see (cycles,
 * proxies, very wide values) are left to the host's full check after the copy.
 */
const SCAN_DEPTH = 8;
const SCAN_ENTRIES = 100000;
function exceedsPayload(value, limit) {
  let bytes = 0;
  let entries = 0;
  const stack = [value, 0];
  while (stack.length > 0 && entries++ < SCAN_ENTRIES) {
    const depth = stack.pop();
    const v = stack.pop();
    if (typeof v === 'string') bytes += v.length;
    else if (v !== null && typeof v === 'object' && depth < SCAN_DEPTH) {
      if (ArrayBufferIsView(v) || v instanceof ArrayBufferCtor) bytes += v.byteLength;
      else {
        try {
          const keys = ReflectOwnKeys(v);
          for (let i = 0; i < keys.length && i < SCAN_ENTRIES; i++) {
            const d = ObjectGetOwnPropertyDescriptor(v, keys[i]);
            if (d !== undefined && ObjectHasOwn(d, 'value')) stack.push(d.value, depth + 1);
          }
        } catch (_) {
          /* a proxy's trap threw: the copy will refuse it */
        }
      }
    }
    if (bytes > limit) return true;
  }
  return false;
}

function payloadTooLargeError(limit) {
  const e = codedError('RT_PAYLOAD_TOO_LARGE', 'Payload exceeds ' + limit + ' bytes', 413);
  e.details = { limit };
  return e;
}
