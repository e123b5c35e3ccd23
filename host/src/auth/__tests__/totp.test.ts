import { describe, expect, it } from 'vitest';
import { base32Decode, codeAt, generateSecret, matchingStep, stepAt } from '../totp.js';

// RFC 6238's SHA-1 test vectors (appendix B), six digits: the key is the ASCII "12345678901234567890".
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP', () => {
  it("gives RFC 6238's codes", () => {
    expect(base32Decode(SECRET)?.toString('ascii')).toBe('12345678901234567890');
    for (const [seconds, code] of VECTORS) expect(codeAt(SECRET, stepAt(seconds * 1000)), String(seconds)).toBe(code);
  });

  it('accepts a code one step either side of now, nothing further, and nothing that is not six digits', () => {
    const now = 1234567890 * 1000;
    const step = stepAt(now);
    expect(matchingStep(SECRET, codeAt(SECRET, step), now)).toBe(step);
    expect(matchingStep(SECRET, codeAt(SECRET, step - 1), now)).toBe(step - 1);
    expect(matchingStep(SECRET, codeAt(SECRET, step + 1), now)).toBe(step + 1);
    expect(matchingStep(SECRET, codeAt(SECRET, step + 2), now)).toBeUndefined();
    for (const bad of ['', '12345', '1234567', 'abcdef', 5924, null])
      expect(matchingStep(SECRET, bad, now)).toBeUndefined();
    expect(matchingStep('not base32!', '005924', now)).toBeUndefined();
  });

  it('makes 160-bit secrets, different each time', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(generateSecret()).not.toBe(a);
  });
});
