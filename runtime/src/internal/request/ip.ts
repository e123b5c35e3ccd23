/**
 * IP address parsing and the private-address deny list used by `request`. Inputs are canonical
 * forms (WHATWG URL hosts, DNS answers); anything that does not parse is treated as denied.
 */

/** Strict dotted-decimal IPv4 → 4 bytes, or null. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** IPv6 (with `::` and an optional trailing dotted IPv4) → 16 bytes, or null. Zones are rejected. */
export function parseIPv6(text: string): number[] | null {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes('%') || s.length === 0) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...rest];
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 255);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inV4(b: number[], net: number[], bits: number): boolean {
  for (let i = 0; i < 4 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if ((b[i] & mask) !== (net[i] & mask)) return false;
  }
  return true;
}

function inV6(b: number[], net: number[], bits: number): boolean {
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if ((b[i] & mask) !== ((net[i] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_DENY: [number[], number][] = [
  [[0, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 88, 99, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4],
];

const v6 = (text: string) => parseIPv6(text)!;
const V6_DENY: [number[], number][] = [
  [v6('::'), 96] /* unspecified, loopback and IPv4-compatible */,
  [v6('64:ff9b:1::'), 48],
  [v6('100::'), 64],
  [v6('2001::'), 32],
  [v6('2001:10::'), 28],
  [v6('2001:db8::'), 32],
  [v6('fc00::'), 7],
  [v6('fe80::'), 10],
  [v6('fec0::'), 10],
  [v6('ff00::'), 8],
];

function isDeniedV4(b: number[]): boolean {
  return V4_DENY.some(([net, bits]) => inV4(b, net, bits));
}

/** True when `address` is loopback, private, link-local, metadata, multicast, reserved or unparseable. */
export function isDeniedAddress(address: string): boolean {
  const b4 = parseIPv4(address);
  if (b4) return isDeniedV4(b4);
  const b6 = parseIPv6(address);
  if (!b6) return true;
  /* IPv6 forms that embed an IPv4 address are judged by that address. */
  if (inV6(b6, v6('::ffff:0:0'), 96) || inV6(b6, v6('64:ff9b::'), 96)) return isDeniedV4(b6.slice(12));
  if (inV6(b6, v6('2002::'), 16)) return isDeniedV4(b6.slice(2, 6));
  return V6_DENY.some(([net, bits]) => inV6(b6, net, bits));
}

/** Build a matcher for an allow list of IPs and CIDRs (`10.0.0.5`, `10.1.0.0/16`, `fd00::/8`). */
export function createAddressMatcher(list: readonly string[]): (address: string) => boolean {
  const rules: { v4: boolean; net: number[]; bits: number }[] = [];
  for (const entry of list) {
    const [ip, prefix] = entry.split('/');
    const n4 = parseIPv4(ip);
    const n6 = n4 ? null : parseIPv6(ip);
    if (!n4 && !n6) throw new Error(`invalid address "${entry}"`);
    const max = n4 ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`invalid prefix in "${entry}"`);
    rules.push({ v4: !!n4, net: (n4 ?? n6)!, bits });
  }
  return (address) => {
    const a4 = parseIPv4(address);
    const a6 = a4 ? null : parseIPv6(address);
    return rules.some((r) => (r.v4 ? !!a4 && inV4(a4, r.net, r.bits) : !!a6 && inV6(a6, r.net, r.bits)));
  };
}
