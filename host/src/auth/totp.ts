import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) as authenticator apps make them:
 * HMAC-SHA1, six digits, thirty-second steps, the secret in base32 (RFC 4648). Directus's
 * two-factor authentication uses the same (otplib's authenticator).
 */
const STEP_SECONDS = 30;
const DIGITS = 6;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The secret's bytes; undefined for text that is not base32 (spaces and `=` padding are allowed). */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (!clean || !/^[A-Z2-7]+$/.test(clean)) return undefined;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    value = (value << 5) | ALPHABET.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret: 20 random bytes (RFC 4226's recommended length), base32. */
export function generateSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The step `ms` falls in. */
export function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / STEP_SECONDS);
}

/** The code of `step` for `secret` (base32). */
export function codeAt(secret: string, step: number): string {
  const key = base32Decode(secret);
  if (!key) throw new TypeError('the secret is not base32');
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 15;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(number).padStart(DIGITS, '0');
}

/**
 * The step whose code `otp` is, within `window` steps of now (a phone's clock drifts), or
 * undefined. Compared in constant time.
 */
export function matchingStep(secret: string, otp: unknown, now = Date.now(), window = 1): number | undefined {
  if (typeof otp !== 'string' || !/^\d{6}$/.test(otp) || !base32Decode(secret)) return undefined;
  const current = stepAt(now);
  let found: number | undefined;
  for (let step = current - window; step <= current + window; step++) {
    if (timingSafeEqual(Buffer.from(codeAt(secret, step)), Buffer.from(otp)) && found === undefined) found = step;
  }
  return found;
}

/** The `otpauth://` address an authenticator app reads (from its QR code). */
export function otpauthUrl(issuer: string, account: string, secret: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`;
}
