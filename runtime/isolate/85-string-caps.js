// 85: a cap on the length of the strings the builtins that amplify their input may produce.
//
// V8 counts a string toward the heap limit only as it allocates it, and a flat string past the
// limit goes through isolated-vm's near-heap-limit grace (see runtime/src/internal/isolate/
// peak-memory.ts). The builtins below can make a string far longer than their inputs
// ('x'.repeat(5e8), new Array(5e8).join('x'), 'a'.padEnd(5e8)): each checks the length it will
// produce (or its result while it is still a rope, which costs nothing) against
// `config.maxStringLength` (a quarter of the memory limit, in characters) and throws a RangeError
// coded RT_MEMORY_LIMIT instead. The host is told first (memoryPort), so the entry is a memory
// fault even if the extension catches the error. The originals are reachable only from this scope,
// so an extension that replaces a wrapper (as it may replace any builtin) never gets them back. Strings doubled with `+` and flattened by
// any other operation are not seen here; the host's peak-memory check still catches those.

const MAX_STRING = config.maxStringLength;

function stringCapExceeded() {
  memoryPort();
  const e = new RangeErrorCtor('A string longer than ' + MAX_STRING + ' characters exceeds the sandbox memory limit');
  e.code = 'RT_MEMORY_LIMIT';
  e.status = 507;
  throw e;
}

/** Replaces `owner[name]` by a wrapper with the same name and length that runs `before`, then checks the result. */
function capBuiltin(owner, name, before) {
  const original = owner[name];
  const wrapper = {
    [name]() {
      // `arguments`, not a rest array: one allocation less on every call of these hot builtins.
      if (before !== undefined) before(this, arguments);
      const result = ReflectApply(original, this, arguments);
      if (typeof result === 'string' && result.length > MAX_STRING) stringCapExceeded();
      return result;
    },
  }[name];
  ObjectDefine(wrapper, 'length', { value: original.length, configurable: true });
  // Writable like the original: replacing or deleting the wrapper gives no way back to the original.
  ObjectDefine(owner, name, { value: wrapper, writable: true, configurable: true, enumerable: false });
}

const StringProto = StringCtor.prototype;
/* A rope: the result's length is checked before anything flattens it. */
capBuiltin(StringProto, 'repeat');
capBuiltin(StringProto, 'concat');
capBuiltin(StringProto, 'replace');
capBuiltin(StringProto, 'replaceAll');
capBuiltin(JSON, 'stringify');
/* Padding may build the whole string at once: the asked length is checked first. */
const checkPad = (self, args) => {
  const target = args[0];
  if (typeof target === 'number' && target > MAX_STRING && !(typeof self === 'string' && self.length >= target))
    stringCapExceeded();
};
capBuiltin(StringProto, 'padStart', checkPad);
capBuiltin(StringProto, 'padEnd', checkPad);
/*
 * join writes one flat string: its length (separators, then the string elements, stopping as soon
 * as the cap is passed) is added up before. Elements are read once more for that sum; only strings,
 * numbers and holes are counted, other values (objects with toString) are checked on the result.
 */
capBuiltin(Array.prototype, 'join', (self, args) => {
  if (!ArrayIsArray(self)) return;
  const sep = args[0] === undefined ? 1 : typeof args[0] === 'string' ? args[0].length : 0;
  const n = self.length;
  if (n > 1 && (n - 1) * sep > MAX_STRING) stringCapExceeded();
  let total = n > 1 ? (n - 1) * sep : 0;
  for (let i = 0; i < n; i++) {
    const v = self[i];
    if (typeof v === 'string') total += v.length;
    if (total > MAX_STRING) stringCapExceeded();
  }
});
/* A typed array joins at least one character per element. */
const TypedArrayProto = Object.getPrototypeOf(Uint8ArrayCtor.prototype);
capBuiltin(TypedArrayProto, 'join', (self, args) => {
  const n = ArrayBufferIsView(self) ? self.length : 0;
  const sep = args[0] === undefined ? 1 : typeof args[0] === 'string' ? args[0].length : 0;
  if (n > 0 && n + (n - 1) * sep > MAX_STRING) stringCapExceeded();
});
