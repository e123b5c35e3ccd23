import { describe, expect, it } from 'vitest';
import { readConfig } from '../../config.js';
import { createPasswords, DEFAULT_HASH_COST } from '../passwords.js';

describe('password hashes (scrypt, HASH_MEMORY_COST)', () => {
  it('hashes at the configured N and verifies only the right password', async () => {
    const passwords = createPasswords(1024);
    const hash = await passwords.hash('s3cret');
    expect(hash.split('$').slice(0, 3)).toEqual(['', 'scrypt', '1024']);
    expect(await passwords.verify('s3cret', hash)).toBe(true);
    expect(await passwords.verify('s3cret!', hash)).toBe(false);
    expect(passwords.needsRehash(hash)).toBe(false);
  });

  it('verifies a hash made at another cost with the N it names, and marks it for a rehash', async () => {
    const strong = await createPasswords(DEFAULT_HASH_COST).hash('s3cret');
    const light = createPasswords(1024);
    expect(await light.verify('s3cret', strong)).toBe(true);
    expect(await light.verify('wrong', strong)).toBe(false);
    expect(light.needsRehash(strong)).toBe(true);
  });

  it('refuses a stored hash whose N is not an allowed cost (no huge or invalid scrypt run)', async () => {
    const passwords = createPasswords(1024);
    const [, , , salt, key] = (await passwords.hash('s3cret')).split('$');
    for (const n of ['1000', '512', String(2 ** 20), 'abc', ''])
      expect(await passwords.verify('s3cret', `$scrypt$${n}$${salt}$${key}`), n).toBe(false);
    expect(await passwords.verify('s3cret', `$bcrypt$1024$${salt}$${key}`)).toBe(false);
    expect(await passwords.verify('s3cret', null)).toBe(false);
  });

  it('reads HASH_MEMORY_COST: 16384 by default, a power of two from 1024 to 65536 or a configuration error', () => {
    expect(readConfig({}, '/tmp').hashCost).toBe(16384);
    expect(readConfig({ HASH_MEMORY_COST: '65536' }, '/tmp').hashCost).toBe(65536);
    for (const bad of ['1000', '512', '131072', 'lots'])
      expect(() => readConfig({ HASH_MEMORY_COST: bad }, '/tmp'), bad).toThrow(/HASH_MEMORY_COST/);
    expect(() => createPasswords(3000)).toThrow(/power of two/);
  });
});
