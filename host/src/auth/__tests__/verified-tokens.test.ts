import { describe, expect, it } from 'vitest';
import { createVerifiedTokens } from '../verified-tokens.js';

function clock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('verified access tokens', () => {
  it('answers a token that verified with its user until the second of its exp, as jose would', () => {
    const c = clock();
    const tokens = createVerifiedTokens({ now: c.now });
    const exp = Math.floor(c.now() / 1000) + 60;
    tokens.set('a.b.c', { id: 'u1', exp });
    expect(tokens.get('a.b.c')).toBe('u1');
    expect(tokens.get('a.b.x')).toBeUndefined();
    c.advance(59_999);
    expect(tokens.get('a.b.c')).toBe('u1');
    c.advance(1);
    expect(tokens.get('a.b.c')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('keeps no token without a numeric exp, already expired, or without a user', () => {
    const c = clock();
    const tokens = createVerifiedTokens({ now: c.now });
    const now = Math.floor(c.now() / 1000);
    tokens.set('no-exp', { id: 'u1' });
    tokens.set('string-exp', { id: 'u1', exp: String(now + 60) });
    tokens.set('expired', { id: 'u1', exp: now });
    tokens.set('no-user', { exp: now + 60 });
    expect(tokens.size).toBe(0);
  });

  it('is bounded: the oldest token leaves first', () => {
    const c = clock();
    const tokens = createVerifiedTokens({ max: 3, now: c.now });
    const exp = Math.floor(c.now() / 1000) + 60;
    for (const t of ['t1', 't2', 't3', 't4']) tokens.set(t, { id: t, exp });
    expect(tokens.size).toBe(3);
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.get('t4')).toBe('t4');
  });
});
