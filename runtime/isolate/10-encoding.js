// 10: TextEncoder/TextDecoder (UTF-8 only), atob/btoa, structuredClone.

function utf8Encode(str) {
  const s = StringCtor(str);
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8ArrayCtor(out);
}

function toBytes(input) {
  if (input === undefined) return new Uint8ArrayCtor(0);
  if (input instanceof ArrayBufferCtor) return new Uint8ArrayCtor(input);
  if (ArrayBufferIsView(input)) return new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeErrorCtor('The "input" argument must be an ArrayBuffer or ArrayBufferView');
}

function utf8Decode(bytes, fatal) {
  let out = '';
  let chunk = [];
  const bad = () => {
    if (fatal) throw new TypeErrorCtor('The encoded data was not valid for encoding utf-8');
    return 0xfffd;
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let cp;
    let need = 0;
    if (b < 0x80) cp = b;
    else if (b >= 0xc2 && b < 0xe0) (cp = b & 31), (need = 1);
    else if (b >= 0xe0 && b < 0xf0) (cp = b & 15), (need = 2);
    else if (b >= 0xf0 && b < 0xf5) (cp = b & 7), (need = 3);
    else cp = -1;
    i++;
    if (cp === -1) cp = bad();
    else {
      let k = 0;
      for (; k < need && i < bytes.length && (bytes[i] & 0xc0) === 0x80; k++, i++) cp = (cp << 6) | (bytes[i] & 63);
      if (k < need || (need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff))) cp = bad();
    }
    if (cp >= 0x10000) chunk.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 1023));
    else chunk.push(cp);
    if (chunk.length > 4096) (out += ReflectApply(FromCharCode, null, chunk)), (chunk = []);
  }
  return out + ReflectApply(FromCharCode, null, chunk);
}

class TextEncoder {
  get encoding() {
    return 'utf-8';
  }
  encode(input = '') {
    return utf8Encode(input);
  }
  encodeInto(input, dest) {
    const bytes = utf8Encode(input);
    const n = MathMin(bytes.length, dest.length);
    dest.set(bytes.subarray(0, n));
    return { read: StringCtor(input).length, written: n };
  }
}

class TextDecoder {
  #fatal;
  #ignoreBOM;
  constructor(label = 'utf-8', options = {}) {
    const l = StringCtor(label).toLowerCase().trim();
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') throw new RangeErrorCtor('Only utf-8 is supported in the sandbox');
    this.#fatal = !!(options && options.fatal);
    this.#ignoreBOM = !!(options && options.ignoreBOM);
  }
  get encoding() {
    return 'utf-8';
  }
  get fatal() {
    return this.#fatal;
  }
  get ignoreBOM() {
    return this.#ignoreBOM;
  }
  decode(input) {
    let bytes = toBytes(input);
    if (!this.#ignoreBOM && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    return utf8Decode(bytes, this.#fatal);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function btoa(data) {
  const s = StringCtor(data);
  let out = '';
  for (let i = 0; i < s.length; i += 3) {
    const a = s.charCodeAt(i);
    const b = s.charCodeAt(i + 1);
    const c = s.charCodeAt(i + 2);
    if (a > 255 || b > 255 || c > 255) throw codedError('InvalidCharacterError', 'Invalid character', 400);
    const n = (a << 16) | ((b || 0) << 8) | (c || 0);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
  }
  return out;
}

function atob(data) {
  const s = StringCtor(data).replace(/[\t\n\f\r ]/g, '').replace(/={1,2}$/, '');
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) throw codedError('InvalidCharacterError', 'The string to be decoded is not correctly encoded.', 400);
  let out = '';
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 6) | B64.indexOf(s[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += FromCharCode((acc >> bits) & 255);
    }
  }
  return out;
}

function cloneError(name) {
  const e = new ErrorCtor(name + ' could not be cloned.');
  e.name = 'DataCloneError';
  return e;
}

/** The structured clone algorithm over the types a sandbox can hold; cycles are preserved. */
function structuredClone(value) {
  const seen = new MapCtor();
  const clone = (v) => {
    if (typeof v === 'function') throw cloneError('function');
    if (typeof v === 'symbol') throw cloneError('Symbol()');
    if (!isObject(v)) return v;
    if (seen.has(v)) return seen.get(v);
    let out;
    if (ArrayIsArray(v)) {
      out = [];
      seen.set(v, out);
      for (let i = 0; i < v.length; i++) out[i] = clone(v[i]);
      return out;
    }
    if (v instanceof Date) out = new Date(v.getTime());
    else if (v instanceof RegExp) out = new RegExp(v.source, v.flags);
    else if (v instanceof ArrayBufferCtor) out = v.slice(0);
    else if (ArrayBufferIsView(v)) {
      const buf = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
      out = new v.constructor(buf);
    } else if (v instanceof MapCtor) {
      out = new MapCtor();
      seen.set(v, out);
      for (const [k, x] of v) out.set(clone(k), clone(x));
      return out;
    } else if (v instanceof SetCtor) {
      out = new SetCtor();
      seen.set(v, out);
      for (const x of v) out.add(clone(x));
      return out;
    } else if (v instanceof ErrorCtor) {
      out = new ErrorCtor(v.message);
      out.name = v.name;
      if (typeof v.stack === 'string') out.stack = v.stack;
    } else if (v instanceof Boolean || v instanceof Number || v instanceof String) out = Object(v.valueOf());
    else if (v instanceof PromiseCtor || v instanceof WeakMapCtor || v instanceof WeakSet || v instanceof WeakRef) throw cloneError(v.constructor.name);
    else {
      out = {};
      seen.set(v, out);
      for (const k of ObjectKeys(v)) out[k] = clone(v[k]);
      return out;
    }
    seen.set(v, out);
    return out;
  };
  return clone(value);
}
