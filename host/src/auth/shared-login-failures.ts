import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { errors } from '../errors.js';
import { throttleKeys } from './login-throttle.js';

export interface SharedLoginFailures {
  /** REQUESTS_EXCEEDED (with `retryAfterSeconds`) while the database holds too many recent failures for the account or the address. */
  check(email: string, ip: string | null): Promise<void>;
  record(email: string, ip: string | null): Promise<void>;
  /** A successful login clears its account's failures (not its address's). */
  clear(email: string): Promise<void>;
}

/**
 * Failed logins kept in the database (`annex_login_failures`), so every host of a cluster counts
 * the same failures and a restart forgets none: a guesser gains nothing by spreading guesses over
 * hosts or waiting for a deploy. The in-memory throttle stays in front of it for guesses in flight.
 * Keys are stored hashed: the table holds no email address and no client address.
 */
export function createSharedLoginFailures(
  knex: Knex,
  options: { attempts: number; windowMs: number; addressFactor?: number; now?: () => number },
): SharedLoginFailures {
  const { attempts, windowMs } = options;
  const now = options.now ?? Date.now;
  const hashed = (key: string) => createHash('sha256').update(key).digest('hex');
  // The in-memory throttle's keys and limits, stored hashed.
  const plain = throttleKeys(options);
  const accountKey = (email: string) => hashed(plain.account(email));
  const keys = (email: string, ip: string | null): [string, number][] =>
    plain.keys(email, ip).map(([key, limit]) => [hashed(key), limit]);

  return {
    async check(email, ip) {
      if (attempts <= 0) return;
      const at = now();
      for (const [key, limit] of keys(email, ip)) {
        const recent = (await knex('annex_login_failures')
          .where({ key })
          .where('at', '>', at - windowMs)
          .orderBy('at', 'desc')
          .limit(limit)
          .select('at')) as { at: number | string }[];
        if (recent.length < limit) continue;
        // Locked until the oldest of the last `limit` failures leaves the window.
        throw errors.REQUESTS_EXCEEDED({
          retryAfterSeconds: Math.max(1, Math.ceil((Number(recent[limit - 1]!.at) + windowMs - at) / 1000)),
        });
      }
    },
    async record(email, ip) {
      if (attempts <= 0) return;
      const at = now();
      await knex('annex_login_failures').insert(keys(email, ip).map(([key]) => ({ key, at })));
      await knex('annex_login_failures')
        .where('at', '<=', at - windowMs)
        .delete();
    },
    async clear(email) {
      if (attempts <= 0) return;
      await knex('annex_login_failures')
        .where({ key: accountKey(email) })
        .delete();
    },
  };
}
