import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/*
 * Passwords are stored as `$scrypt$N$salt$hash` (base64), with r = 8 and p = 1: N × 1 KiB of memory
 * per hash. N is HASH_MEMORY_COST (Directus's name for its argon2 memory cost, in KiB). Each
 * stored hash names its own N, so a hash made at another cost still verifies, and a login
 * rewrites it at the configured one.
 */
export const DEFAULT_HASH_COST = 16384;
export const MIN_HASH_COST = 1024;
export const MAX_HASH_COST = 65536;

/** A power of two from MIN_HASH_COST to MAX_HASH_COST: any other N is refused, stored or configured. */
export function isHashCost(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_HASH_COST && n <= MAX_HASH_COST && (n & (n - 1)) === 0;
}

function derive(password: string, salt: Buffer, N: number): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; N = 65536 needs 64 MiB.
  const maxmem = 2 * 128 * 8 * N;
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 64, { N, r: 8, p: 1, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** A stored hash's N, salt and key, or undefined when it is not one of ours or its N is not allowed. */
function parse(hash: string | null | undefined): { n: number; salt: Buffer; key: Buffer } | undefined {
  const parts = hash?.split('$');
  if (parts?.length !== 5 || parts[1] !== 'scrypt') return undefined;
  const n = Number(parts[2]);
  if (!isHashCost(n)) return undefined;
  return { n, salt: Buffer.from(parts[3]!, 'base64'), key: Buffer.from(parts[4]!, 'base64') };
}

export interface Passwords {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string | null | undefined): Promise<boolean>;
  /** True when `hash` was made at another cost than this host's: a login rewrites it. */
  needsRehash(hash: string | null | undefined): boolean;
}

export function createPasswords(cost = DEFAULT_HASH_COST): Passwords {
  if (!isHashCost(cost))
    throw new Error(
      `The password hash cost must be a power of two from ${MIN_HASH_COST} to ${MAX_HASH_COST} (got ${cost})`,
    );
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, cost);
      return `$scrypt$${cost}$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, hash) {
      const stored = parse(hash);
      if (!stored) return false;
      const key = await derive(password, stored.salt, stored.n);
      return stored.key.length === key.length && timingSafeEqual(stored.key, key);
    },
    needsRehash(hash) {
      return parse(hash)?.n !== cost;
    },
  };
}
