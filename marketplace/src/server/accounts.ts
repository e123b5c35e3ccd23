import { createHash, randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { MarketplaceErrors as E } from '../errors.js';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface AccountRow {
  id: string;
  username: string;
  email: string | null;
  password_hash: string | null;
  verified: boolean | number;
  github_username: string | null;
  github_avatar_url: string | null;
  github_name: string | null;
  github_company: string | null;
  github_blog: string | null;
  github_location: string | null;
  github_bio: string | null;
  created_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

/** npm user names: lower case, url-safe, no leading dot or underscore. */
const USERNAME = /^[a-z0-9][a-z0-9._-]{0,213}$/;

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function checkPassword(password: string, stored: string | null): Promise<boolean> {
  const [kind, salt, hash] = (stored ?? '').split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), 32);
  const expected = Buffer.from(hash, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Accounts (publishers) and their bearer tokens. */
export function createAccounts(db: Knex) {
  const table = () => db<AccountRow>('mkt_accounts');

  /** By uuid or by username. */
  async function find(idOrName: string): Promise<AccountRow | undefined> {
    return isUuid(idOrName)
      ? table().where({ id: idOrName }).first()
      : table().where({ username: idOrName.toLowerCase() }).first();
  }

  async function get(idOrName: string): Promise<AccountRow> {
    const row = await find(idOrName);
    if (!row) throw E.MKT_ACCOUNT_NOT_FOUND({ id: idOrName });
    return row;
  }

  async function create(input: {
    username: string;
    password?: string;
    email?: string;
    verified?: boolean;
  }): Promise<AccountRow> {
    const username = input.username.toLowerCase();
    if (!USERNAME.test(username))
      throw E.MKT_INVALID_REQUEST({ reason: `"${input.username}" is not a valid user name` });
    const row: AccountRow = {
      id: randomUUID(),
      username,
      email: input.email ?? null,
      password_hash: input.password ? await hashPassword(input.password) : null,
      verified: input.verified ?? false,
      github_username: null,
      github_avatar_url: null,
      github_name: null,
      github_company: null,
      github_blog: null,
      github_location: null,
      github_bio: null,
      created_at: new Date().toISOString(),
    };
    await table().insert(row);
    return row;
  }

  return {
    find,
    get,
    create,
    /** Existing account or a new one (no password: token-only, e.g. for seeding). */
    async ensure(input: { username: string; password?: string; verified?: boolean }): Promise<AccountRow> {
      const existing = await find(input.username);
      if (!existing) return create(input);
      if (input.verified !== undefined && Boolean(existing.verified) !== input.verified)
        await table().where({ id: existing.id }).update({ verified: input.verified });
      return (await find(existing.id))!;
    },
    async checkPassword(username: string, password: string): Promise<AccountRow | undefined> {
      const row = await find(username);
      return row && (await checkPassword(password, row.password_hash)) ? row : undefined;
    },
    async setVerified(idOrName: string, verified: boolean): Promise<AccountRow> {
      const row = await get(idOrName);
      await table().where({ id: row.id }).update({ verified });
      return { ...row, verified };
    },
    /** A new bearer token; only its sha256 is stored. */
    async createToken(accountId: string): Promise<string> {
      const token = `annex_${randomBytes(24).toString('base64url')}`;
      await db('mkt_tokens').insert({
        token_hash: tokenHash(token),
        account_id: accountId,
        created_at: new Date().toISOString(),
      });
      return token;
    },
    async accountForToken(token: string): Promise<AccountRow | undefined> {
      const hit = await db('mkt_tokens')
        .where({ token_hash: tokenHash(token) })
        .first();
      return hit ? find(hit.account_id) : undefined;
    },
    async revokeToken(token: string): Promise<boolean> {
      return (
        (await db('mkt_tokens')
          .where({ token_hash: tokenHash(token) })
          .delete()) > 0
      );
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
