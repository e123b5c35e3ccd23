// Part of the sandbox bootstrap: these files are concatenated, in name order, into the body of
// one strict-mode function `bootstrap(layout, config, send, logPort, timerPort, done, urlPort,
// randomPort)` that runs once per isolate before any extension code. They share its scope.
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
