import { errors } from '../errors.js';

export interface LoginThrottleOptions {
  /** Failed logins allowed per account in `windowMs`; 0 turns the throttle off. */
  attempts: number;
  windowMs: number;
  /** One address may serve many people (NAT, an office proxy): it gets this many times `attempts`. */
  addressFactor?: number;
  /** Keys kept at most; the least recently failed are forgotten first, so spraying names cannot exhaust memory. */
  maxKeys?: number;
  now?: () => number;
}

export interface LoginThrottle {
  /** Throws REQUESTS_EXCEEDED (429, `retryAfterSeconds`) while the account or the address is locked out. */
  check(email: string, ip: string | null): void;
  /**
   * `check`, then hold a place for this attempt until the returned release is called: attempts
   * still being checked count as failures, so guesses sent in parallel cannot outrun the limit.
   */
  begin(email: string, ip: string | null): () => void;
  fail(email: string, ip: string | null): void;
  /** A successful login clears its account's failures (not its address's). */
  succeed(email: string): void;
}

/**
 * Counts failed logins per account and per client address over a sliding window, so a password
 * cannot be guessed faster than `attempts` per window per account. Kept in memory, for this
 * host's guesses in flight; shared-login-failures.ts records the failures every host counts.
 */
/** What a failed login counts against: its account, and its client address (with the address's larger limit). */
export function throttleKeys(options: { attempts: number; addressFactor?: number }): {
  account(email: string): string;
  keys(email: string, ip: string | null): [string, number][];
} {
  const addressLimit = options.attempts * (options.addressFactor ?? 5);
  const account = (email: string) => `account:${email.trim().toLowerCase()}`;
  return {
    account,
    keys: (email, ip) =>
      ip
        ? [
            [account(email), options.attempts],
            [`address:${ip}`, addressLimit],
          ]
        : [[account(email), options.attempts]],
  };
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const { attempts, windowMs } = options;
  const { account: accountKey, keys } = throttleKeys(options);
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  /** Failure times per key, oldest first, at most the key's limit of them. */
  const failures = new Map<string, number[]>();
  /** Attempts per key whose password is being checked right now. */
  const pending = new Map<string, number>();

  function recent(key: string, at: number): number[] {
    const times = failures.get(key);
    if (!times) return [];
    while (times.length && times[0]! <= at - windowMs) times.shift();
    if (!times.length) failures.delete(key);
    return times;
  }

  function check(email: string, ip: string | null): void {
    if (attempts <= 0) return;
    const at = now();
    for (const [key, limit] of keys(email, ip)) {
      const times = recent(key, at);
      const inFlight = pending.get(key) ?? 0;
      if (times.length + inFlight < limit) continue;
      // Full of failures: until the oldest that locks leaves the window. Full only with attempts still
      // running: retry in a second, once they are decided.
      const retryAfterSeconds =
        times.length >= limit ? Math.max(1, Math.ceil((times[times.length - limit]! + windowMs - at) / 1000)) : 1;
      throw errors.REQUESTS_EXCEEDED({ retryAfterSeconds });
    }
  }

  return {
    check,
    begin(email, ip) {
      check(email, ip);
      if (attempts <= 0) return () => {};
      const held = keys(email, ip).map(([key]) => key);
      for (const key of held) pending.set(key, (pending.get(key) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        for (const key of held) {
          const n = (pending.get(key) ?? 1) - 1;
          if (n > 0) pending.set(key, n);
          else pending.delete(key);
        }
      };
    },
    fail(email, ip) {
      if (attempts <= 0) return;
      const at = now();
      for (const [key, limit] of keys(email, ip)) {
        const times = recent(key, at);
        times.push(at);
        if (times.length > limit) times.shift();
        /* Re-inserted so the Map's order is least recently failed first. */
        failures.delete(key);
        failures.set(key, times);
      }
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    succeed(email) {
      failures.delete(accountKey(email));
    },
  };
}
