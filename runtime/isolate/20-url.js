// 20: URLSearchParams (pure JS), URL (parsed by the host's WHATWG parser through `urlPort`,
// which only ever returns a plain record of strings), Headers.

function formEncode(s) {
  let out = '';
  const bytes = utf8Encode(s);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) out += FromCharCode(b);
    else if (b === 0x20) out += '+';
    else out += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
  }
  return out;
}

function formDecode(s) {
  const t = StringCtor(s).replace(/\+/g, ' ');
  const bytes = [];
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else {
      const enc = utf8Encode(t[i] + (c >= 0xd800 && c <= 0xdbff ? t[i + 1] || '' : ''));
      if (c >= 0xd800 && c <= 0xdbff) i++;
      for (let k = 0; k < enc.length; k++) bytes.push(enc[k]);
    }
  }
  return utf8Decode(new Uint8ArrayCtor(bytes), false);
}

const paramsOwner = new WeakMapCtor();

class URLSearchParams {
  #list = [];
  constructor(init = '') {
    if (typeof init === 'string' || init instanceof String) this.#parse(StringCtor(init));
    else if (isObject(init) && typeof init[Symbol.iterator] === 'function') {
      for (const pair of init) {
        const p = [...pair];
        if (p.length !== 2) throw new TypeErrorCtor('Each query pair must be an iterable [name, value] tuple');
        this.#list.push([StringCtor(p[0]), StringCtor(p[1])]);
      }
    } else if (isObject(init)) for (const k of ObjectKeys(init)) this.#list.push([k, StringCtor(init[k])]);
  }
  #parse(s) {
    this.#list = [];
    for (const part of (s[0] === '?' ? s.slice(1) : s).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      this.#list.push(eq === -1 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
    }
  }
  #changed() {
    const url = paramsOwner.get(this);
    if (url) url.search = this.toString();
  }
  get size() {
    return this.#list.length;
  }
  append(name, value) {
    this.#list.push([StringCtor(name), StringCtor(value)]);
    this.#changed();
  }
  delete(name, value) {
    const n = StringCtor(name);
    this.#list = this.#list.filter(([k, v]) => k !== n || (value !== undefined && v !== StringCtor(value)));
    this.#changed();
  }
  get(name) {
    const n = StringCtor(name);
    const hit = this.#list.find(([k]) => k === n);
    return hit ? hit[1] : null;
  }
  getAll(name) {
    const n = StringCtor(name);
    return this.#list.filter(([k]) => k === n).map(([, v]) => v);
  }
  has(name, value) {
    const n = StringCtor(name);
    return this.#list.some(([k, v]) => k === n && (value === undefined || v === StringCtor(value)));
  }
  set(name, value) {
    const n = StringCtor(name);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i === -1) this.#list.push([n, StringCtor(value)]);
    else {
      this.#list[i] = [n, StringCtor(value)];
      this.#list = this.#list.filter(([k], j) => k !== n || j === i);
    }
    this.#changed();
  }
  sort() {
    this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.#changed();
  }
  forEach(fn, thisArg) {
    for (const [k, v] of this.#list) ReflectApply(fn, thisArg, [v, k, this]);
  }
  *entries() {
    for (const [k, v] of this.#list) yield [k, v];
  }
  *keys() {
    for (const [k] of this.#list) yield k;
  }
  *values() {
    for (const [, v] of this.#list) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  toString() {
    return this.#list.map(([k, v]) => formEncode(k) + '=' + formEncode(v)).join('&');
  }
}

/** Longest URL text handed to the host's parser (Chromium's limit): a longer one is invalid here, before any copy. */
const MAX_URL_LENGTH = 2 * 1024 * 1024;
function urlText(value) {
  const text = StringCtor(value);
  if (text.length > MAX_URL_LENGTH) throw new TypeErrorCtor('Invalid URL');
  return text;
}

class URL {
  #r;
  #params = null;
  constructor(url, base) {
    const r = urlPort(0, urlText(url), base === undefined ? null : urlText(base), null);
    if (!isObject(r)) throw new TypeErrorCtor('Invalid URL');
    this.#r = r;
  }
  static canParse(url, base) {
    let text;
    let baseText = null;
    try {
      text = urlText(url);
      if (base !== undefined) baseText = urlText(base);
    } catch (_) {
      return false;
    }
    return isObject(urlPort(0, text, baseText, null));
  }
  #set(prop, value) {
    const r = urlPort(1, this.#r.href, prop, urlText(value));
    if (!isObject(r)) {
      if (prop === 'href') throw new TypeErrorCtor('Invalid URL');
      return;
    }
    this.#r = r;
    if (this.#params && prop !== 'hash') this.#params = null;
  }
  get href() { return this.#r.href; }
  set href(v) { this.#set('href', v); }
  get origin() { return this.#r.origin; }
  get protocol() { return this.#r.protocol; }
  set protocol(v) { this.#set('protocol', v); }
  get username() { return this.#r.username; }
  set username(v) { this.#set('username', v); }
  get password() { return this.#r.password; }
  set password(v) { this.#set('password', v); }
  get host() { return this.#r.host; }
  set host(v) { this.#set('host', v); }
  get hostname() { return this.#r.hostname; }
  set hostname(v) { this.#set('hostname', v); }
  get port() { return this.#r.port; }
  set port(v) { this.#set('port', v); }
  get pathname() { return this.#r.pathname; }
  set pathname(v) { this.#set('pathname', v); }
  get search() { return this.#r.search; }
  set search(v) { this.#set('search', v); }
  get hash() { return this.#r.hash; }
  set hash(v) { this.#set('hash', v); }
  get searchParams() {
    if (!this.#params) {
      this.#params = new URLSearchParams(this.#r.search);
      paramsOwner.set(this.#params, this);
    }
    return this.#params;
  }
  toString() {
    return this.#r.href;
  }
  toJSON() {
    return this.#r.href;
  }
}

class Headers {
  #map = new MapCtor();
  constructor(init) {
    if (init instanceof Headers) init.forEach((v, k) => this.append(k, v));
    else if (isObject(init) && typeof init[Symbol.iterator] === 'function') for (const [k, v] of init) this.append(k, v);
    else if (isObject(init)) for (const k of ObjectKeys(init)) this.append(k, init[k]);
  }
  append(name, value) {
    const k = StringCtor(name).toLowerCase();
    const v = StringCtor(value);
    this.#map.set(k, this.#map.has(k) ? this.#map.get(k) + ', ' + v : v);
  }
  set(name, value) {
    this.#map.set(StringCtor(name).toLowerCase(), StringCtor(value));
  }
  get(name) {
    const v = this.#map.get(StringCtor(name).toLowerCase());
    return v === undefined ? null : v;
  }
  has(name) {
    return this.#map.has(StringCtor(name).toLowerCase());
  }
  delete(name) {
    this.#map.delete(StringCtor(name).toLowerCase());
  }
  forEach(fn, thisArg) {
    for (const [k, v] of this.#map) ReflectApply(fn, thisArg, [v, k, this]);
  }
  *entries() {
    yield* [...this.#map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}
