import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const N = 16384;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 64, { N, r: 8, p: 1 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `$scrypt$N$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `$scrypt$${N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) return false;
  const parts = hash.split('$');
  if (parts.length !== 5 || parts[1] !== 'scrypt') return false;
  const key = await derive(password, Buffer.from(parts[3]!, 'base64'));
  const expected = Buffer.from(parts[4]!, 'base64');
  return expected.length === key.length && timingSafeEqual(expected, key);
}
