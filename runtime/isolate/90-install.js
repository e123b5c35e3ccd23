// 90: install the globals, hide what a sandbox must not have, hand the entry points back.

const api = buildApi();
const webGlobals = {
  console: consoleObject,
  setTimeout: (fn, ms, ...args) => addTimer(fn, ms, args, false),
  setInterval: (fn, ms, ...args) => addTimer(fn, ms, args, true),
  clearTimeout: clearTimer,
  clearInterval: clearTimer,
  queueMicrotask: (fn) => {
    if (typeof fn !== 'function') throw new TypeErrorCtor('The "callback" argument must be a function');
    PromiseResolve().then(fn);
  },
  URL,
  URLSearchParams,
  Headers,
  TextEncoder,
  TextDecoder,
  structuredClone,
  atob,
  btoa,
  crypto: ObjectFreeze(cryptoObject),
  fetch,
  process: { env: { NODE_ENV: config.nodeEnv } },
};
for (const key of ObjectKeys(webGlobals)) {
  ObjectDefine(G, key, { value: webGlobals[key], writable: true, configurable: true, enumerable: false });
}
// Atomics.wait could park the worker's thread; SharedArrayBuffer has no use without threads.
delete G.Atomics;
delete G.SharedArrayBuffer;
// WebAssembly memories and resizable ArrayBuffers are committed outside what the memory limit
// counts (the V8 heap and isolated-vm's buffer allocator); neither is offered. Shared memory was
// also reachable through WebAssembly.Memory({shared: true}).
delete G.WebAssembly;
delete ArrayBufferCtor.prototype.resize;
// A resizable buffer's memory is committed outside the limit even at its initial length: the
// constructor refuses `maxByteLength`, wherever it is reached from (global or `.constructor`).
{
  const Intrinsic = ArrayBufferCtor;
  const SafeArrayBuffer = function ArrayBuffer(length, options) {
    if (new.target === undefined) throw new TypeErrorCtor("Constructor ArrayBuffer requires 'new'");
    if (isObject(options) && options.maxByteLength !== undefined) throw new RangeErrorCtor('Resizable ArrayBuffers are not available in the sandbox');
    return Reflect.construct(Intrinsic, [length], new.target);
  };
  SafeArrayBuffer.prototype = Intrinsic.prototype;
  ObjectDefine(SafeArrayBuffer, 'isView', { value: Intrinsic.isView, writable: true, configurable: true });
  ObjectDefine(SafeArrayBuffer, Symbol.species, { get: () => SafeArrayBuffer, configurable: true });
  ObjectDefine(Intrinsic.prototype, 'constructor', { value: SafeArrayBuffer, writable: true, configurable: true });
  ObjectDefine(G, 'ArrayBuffer', { value: SafeArrayBuffer, writable: true, configurable: true, enumerable: false });
}
// The `directus:api` module reads (and deletes) this when it evaluates; the host deletes it
// after load in case the extension never imported the module.
ObjectDefine(G, '__annex_api__', { value: api, configurable: true, enumerable: false, writable: false });

return { register, invoke, resolveCapability, fireTimer };
