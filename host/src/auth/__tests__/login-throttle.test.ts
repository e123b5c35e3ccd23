import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../login-throttle.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function lockedFor(check: () => void): number | null {
  try {
    check();
    return null;
  } catch (err) {
    expect((err as { code?: string }).code).toBe('REQUESTS_EXCEEDED');
    expect((err as { status?: number }).status).toBe(429);
    return (err as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds;
  }
}

describe('login throttle', () => {
  it('locks an account after `attempts` failures and reopens when the oldest leaves the window', () => {
    const c = clock();
    const throttle = createLoginThrottle({ attempts: 3, windowMs: 60_000, now: c.now });
    for (let i = 0; i < 3; i++) {
      expect(lockedFor(() => throttle.check('a@example.com', '10.0.0.1'))).toBeNull();
      throttle.fail('a@example.com', '10.0.0.1');
      c.advance(10_000);
    }
    /* Failures at 0, 10 and 20 s; now 30 s: the first one leaves the window at 60 s. */
    expect(lockedFor(() => throttle.check('a@example.com', '10.0.0.1'))).toBe(30);
    expect(lockedFor(() => throttle.check(' A@Example.com ', '10.0.0.2'))).toBe(30);
    c.advance(30_000);
    expect(lockedFor(() => throttle.check('a@example.com', '10.0.0.1'))).toBeNull();
  });

  it('a success clears its account but an address keeps its own, larger count', () => {
    const c = clock();
    const throttle = createLoginThrottle({ attempts: 2, windowMs: 60_000, addressFactor: 3, now: c.now });
    throttle.fail('a@example.com', '10.0.0.1');
    throttle.succeed('a@example.com');
    throttle.fail('a@example.com', '10.0.0.1');
    expect(lockedFor(() => throttle.check('a@example.com', '10.0.0.1'))).toBeNull();
    /* Spraying accounts from one address: 2 × 3 failures lock the address for every account. */
    for (const name of ['b', 'c', 'd', 'e']) throttle.fail(`${name}@example.com`, '10.0.0.1');
    expect(lockedFor(() => throttle.check('fresh@example.com', '10.0.0.1'))).toBe(60);
    expect(lockedFor(() => throttle.check('fresh@example.com', '10.0.0.9'))).toBeNull();
    expect(lockedFor(() => throttle.check('fresh@example.com', null))).toBeNull();
  });

  it('keeps at most maxKeys keys, forgetting the least recently failed first', () => {
    const c = clock();
    const throttle = createLoginThrottle({ attempts: 1, windowMs: 60_000, maxKeys: 3, now: c.now });
    throttle.fail('old@example.com', null);
    expect(lockedFor(() => throttle.check('old@example.com', null))).toBe(60);
    for (const name of ['x', 'y', 'z']) throttle.fail(`${name}@example.com`, null);
    expect(lockedFor(() => throttle.check('old@example.com', null))).toBeNull();
    expect(lockedFor(() => throttle.check('z@example.com', null))).toBe(60);
  });

  it('attempts = 0 turns it off', () => {
    const throttle = createLoginThrottle({ attempts: 0, windowMs: 60_000 });
    for (let i = 0; i < 100; i++) throttle.fail('a@example.com', '10.0.0.1');
    expect(lockedFor(() => throttle.check('a@example.com', '10.0.0.1'))).toBeNull();
  });
});
