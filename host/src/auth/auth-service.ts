import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { defineCompiledRead } from '../db/compiled-read.js';
import { RoleModel, SessionModel, UserModel } from '../db/models.js';
import { errors } from '../errors.js';
import { isUuid } from '../services/casting.js';
import type { Emitter } from '../events/emitter.js';
import { publicAccountability, type Accountability } from './accountability.js';
import type { Passwords } from './passwords.js';
import type { PermissionFilter } from './permissions.js';
import { createLoginThrottle } from './login-throttle.js';
import { createSharedLoginFailures } from './shared-login-failures.js';
import { createVerifiedTokens } from './verified-tokens.js';
import { base32Decode, generateSecret, matchingStep, otpauthUrl } from './totp.js';

export interface AuthOptions {
  secret: string;
  accessTokenTtl: string;
  refreshTokenTtlMs: number;
  loginAttempts: number;
  loginWindowMs: number;
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  /** Access token lifetime in ms, as Directus returns it. */
  expires: number;
}

function ttlMs(ttl: string): number {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(ttl.trim());
  if (!m) return 15 * 60 * 1000;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

interface ShareRow {
  id: string;
  collection: string;
  item: string;
  role: string | null;
  user_created: string | null;
  password: string | null;
  date_start: string | null;
  date_end: string | null;
  times_used: number;
  max_uses: number | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** JWT login/refresh/logout and static tokens; resolves a bearer token to an accountability. */
/* jose (~45 modules) loads with the first token issued or checked; a boot answering /server/ping needs none. */
let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

export function createAuthService(
  knex: Knex,
  emitter: Emitter,
  passwords: Passwords,
  options: AuthOptions,
  onLogin: ((user: string, ip: string | null) => Promise<void>) | undefined,
  /** What a share's visitor may read from its item (`shareReachOf`); undefined when the collection is gone. */
  reachOf: (
    collection: string,
    item: string,
    role: string | null,
  ) => Promise<Record<string, PermissionFilter> | undefined>,
) {
  const key = new TextEncoder().encode(options.secret);
  const accessMs = ttlMs(options.accessTokenTtl);
  const throttle = createLoginThrottle({ attempts: options.loginAttempts, windowMs: options.loginWindowMs });
  const shared = createSharedLoginFailures(knex, { attempts: options.loginAttempts, windowMs: options.loginWindowMs });
  /** Checked when there is no usable user, so an unknown email costs the same scrypt as a wrong password. */
  let decoyHash: Promise<string> | undefined;
  const verified = createVerifiedTokens();
  /**
   * INVALID_OTP unless `otp` is a code of `secret`. A login also needs it fresh (a later step than
   * the last login's, on any host of the cluster: `annex_tfa_steps`) and records its step, so a
   * code seen over a shoulder or in a log cannot be replayed in its thirty seconds; turning
   * two-factor on or off, already signed in, does not.
   */
  async function checkOtp(user: string, secret: string, otp: unknown, consume = false): Promise<void> {
    const step = matchingStep(secret, otp);
    if (step === undefined) throw errors.INVALID_OTP();
    if (!consume) return;
    // One statement decides between two hosts shown the same code: the update of an older step, or
    // the first row's insert (the primary key refuses the second).
    const moved = await knex('annex_tfa_steps').where({ user }).andWhere('step', '<', step).update({ step });
    if (moved > 0) return;
    try {
      await knex('annex_tfa_steps').insert({ user, step });
    } catch {
      throw errors.INVALID_OTP(); // a row for the user with this step or a later one
    }
  }

  async function withPassword(user: string, password: unknown): Promise<UserModel> {
    const row = await UserModel.query(knex).findById(user);
    if (!row || row.status !== 'active' || typeof password !== 'string' || !row.password)
      throw errors.INVALID_CREDENTIALS();
    if (!(await passwords.verify(password, row.password))) throw errors.INVALID_CREDENTIALS();
    return row;
  }

  /* Compiled once on SQLite (db/compiled-read.ts): every authenticated request reads its user. */
  const userBy = (column: 'u.id' | 'u.token') =>
    defineCompiledRead<'key'>(knex, ({ key }) =>
      knex({ u: 'directus_users' })
        .leftJoin({ r: 'directus_roles' }, 'r.id', 'u.role')
        .where(column, key as string)
        .select('u.id', 'u.status', 'u.role', 'r.admin_access', 'r.app_access')
        // `limit 1` in the text, not bound: SQLite re-prepares a statement whose LIMIT is a bound
        // parameter at every run (a 7 µs read cost 21 µs in a loop, about 100 µs in the host).
        .limit(1, { skipBinding: true }),
    );
  const userById = userBy('u.id');
  const userByToken = userBy('u.token');

  async function accountabilityFor(user: UserModel, ip: string | null): Promise<Accountability> {
    const role = user.role ? await RoleModel.query(knex).findById(user.role) : undefined;
    return { user: user.id, role: user.role, admin: Boolean(role?.admin_access), app: Boolean(role?.app_access), ip };
  }

  /**
   * The active user matching `where` with its role's flags, in one joined query: every
   * authenticated request runs it, so it must not cost a second round-trip for the role.
   */
  async function activeAccountability(
    where: { 'u.id': string } | { 'u.token': string },
    ip: string | null,
  ): Promise<Accountability | undefined> {
    const [row] = await ('u.id' in where ? userById({ key: where['u.id'] }) : userByToken({ key: where['u.token'] }));
    if (!row || row.status !== 'active') return undefined;
    return { user: row.id, role: row.role ?? null, admin: Boolean(row.admin_access), app: Boolean(row.app_access), ip };
  }

  /** A share that may be used now (exists, started, not ended); INVALID_CREDENTIALS otherwise. */
  async function openShare(id: unknown): Promise<ShareRow> {
    if (!isUuid(id)) throw errors.INVALID_CREDENTIALS();
    const share = (await knex('directus_shares').where({ id }).first()) as ShareRow | undefined;
    const now = Date.now();
    if (
      !share ||
      (share.date_start && new Date(share.date_start).getTime() > now) ||
      (share.date_end && new Date(share.date_end).getTime() <= now)
    )
      throw errors.INVALID_CREDENTIALS();
    return share;
  }

  async function shareAccountability(share: ShareRow, ip: string | null): Promise<Accountability> {
    const reach = await reachOf(share.collection, String(share.item), share.role ?? null);
    if (!reach) throw errors.INVALID_CREDENTIALS();
    // Who made it: its visitor reads no more than they may (a share of a user who is gone or suspended stops).
    const maker = share.user_created ? await activeAccountability({ 'u.id': share.user_created }, ip) : undefined;
    if (!maker) throw errors.INVALID_CREDENTIALS();
    return {
      user: null,
      role: share.role ?? null,
      admin: false,
      app: false,
      ip,
      share: {
        id: share.id,
        collection: share.collection,
        item: String(share.item),
        reach,
        maker: { user: maker.user, role: maker.role, admin: maker.admin, app: maker.app },
      },
    };
  }

  /** An access token of `claims` and a refresh session for whom they name (a user, or a share's visitor). */
  async function tokens(
    claims: Record<string, unknown>,
    session: { user: string | null; share?: string },
    ip: string | null,
  ): Promise<TokenSet> {
    const { SignJWT } = await loadJose();
    const access_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setIssuer('directus')
      .setExpirationTime(Math.floor((Date.now() + accessMs) / 1000))
      .sign(key);
    const refresh_token = randomBytes(48).toString('base64url');
    await SessionModel.query(knex).insert({
      token: hashToken(refresh_token),
      ...session,
      expires: new Date(Date.now() + options.refreshTokenTtlMs).toISOString(),
      ip,
    });
    return { access_token, refresh_token, expires: accessMs };
  }

  /** Directus's share tokens: `share` and `share_scope` claims, no user; the refresh session names the share. */
  function issueShare(share: ShareRow, ip: string | null): Promise<TokenSet> {
    const scope = { collection: share.collection, item: share.item };
    const claims = {
      share: share.id,
      share_scope: scope,
      role: share.role ?? null,
      app_access: false,
      admin_access: false,
    };
    return tokens(claims, { user: null, share: share.id }, ip);
  }

  async function issue(user: UserModel, ip: string | null): Promise<TokenSet> {
    const acc = await accountabilityFor(user, ip);
    const claims = await emitter.emitFilter(
      'auth.jwt',
      { id: user.id, role: user.role, app_access: acc.app, admin_access: acc.admin },
      { status: 'pending', user: user.id, provider: 'default', type: 'login' },
    );
    return tokens(claims, { user: user.id }, ip);
  }

  return {
    /** `otp`: the one-time password of a user with two-factor authentication (INVALID_OTP without a fresh one). */
    async login(email: unknown, password: unknown, ip: string | null = null, otp?: unknown): Promise<TokenSet> {
      if (typeof email !== 'string' || typeof password !== 'string')
        throw errors.INVALID_PAYLOAD({ reason: '"email" and "password" are required strings.' });
      /* Before any password work: a locked-out guess costs no scrypt and learns nothing. Guesses in flight count. */
      const release = throttle.begin(email, ip);
      let usable: UserModel | undefined;
      /** The password checked (an `auth.login` filter may have replaced the one sent). */
      let checked = '';
      try {
        // The failures every host (and this one before a restart) recorded.
        await shared.check(email, ip);
        const payload = await emitter.emitFilter(
          'auth.login',
          { email, password },
          { status: 'pending', user: null, provider: 'default' },
        );
        const user = await UserModel.query(knex).where({ email: payload.email }).first();
        usable = user && user.status === 'active' ? user : undefined;
        checked = String(payload.password);
        const matches = await passwords.verify(
          checked,
          usable ? usable.password : await (decoyHash ??= passwords.hash(randomBytes(16).toString('hex'))),
        );
        /** A failed login: counted against the account and the address on every host, and announced. */
        const fail = async (error: unknown): Promise<never> => {
          throttle.fail(email, ip);
          await shared.record(email, ip);
          void emitter.emitAction('auth.login', {
            payload: { email },
            status: 'fail',
            user: user?.id ?? null,
            provider: 'default',
          });
          throw error;
        };
        if (!usable || !matches) return fail(errors.INVALID_CREDENTIALS());
        // A wrong code counts as a failed login: the password alone does not buy unlimited guesses.
        if (usable.tfa_secret) {
          try {
            await checkOtp(usable.id, usable.tfa_secret, otp, true);
          } catch (e) {
            await fail(e);
          }
        }
      } finally {
        release();
      }
      throttle.succeed(email);
      await shared.clear(email);
      // A hash made at another cost (HASH_MEMORY_COST changed since) is rewritten at this one.
      const rehashed = passwords.needsRehash(usable.password) ? { password: await passwords.hash(checked) } : {};
      await UserModel.query(knex)
        .patch({ last_access: new Date().toISOString(), ...rehashed })
        .where({ id: usable.id });
      const tokens = await issue(usable, ip);
      await onLogin?.(usable.id, ip);
      void emitter.emitAction('auth.login', {
        payload: { email },
        status: 'success',
        user: usable.id,
        provider: 'default',
      });
      return tokens;
    },

    async refresh(refreshToken: unknown, ip: string | null = null): Promise<TokenSet> {
      if (typeof refreshToken !== 'string' || !refreshToken)
        throw errors.INVALID_PAYLOAD({ reason: '"refresh_token" is required.' });
      const session = await SessionModel.query(knex).findById(hashToken(refreshToken));
      if (!session || new Date(session.expires).getTime() < Date.now()) throw errors.INVALID_CREDENTIALS();
      if (session.share) {
        // A share's session: the share must still be open (not deleted, not past its end), its maker active.
        const share = await openShare(session.share);
        await shareAccountability(share, ip);
        await SessionModel.query(knex).deleteById(session.token);
        return issueShare(share, ip);
      }
      if (!session.user) throw errors.INVALID_CREDENTIALS();
      const user = await UserModel.query(knex).findById(session.user);
      if (!user || user.status !== 'active') throw errors.INVALID_CREDENTIALS();
      await SessionModel.query(knex).deleteById(session.token);
      return issue(user, ip);
    },

    /**
     * Directus's `/shares/auth`: a visitor's tokens for share `id`, within its dates and uses,
     * with its password when it has one. Wrong passwords count toward the login throttle (per
     * share and address); each login is a use.
     */
    async loginShare(id: unknown, password: unknown, ip: string | null = null): Promise<TokenSet> {
      const key = `share:${String(id)}`;
      const release = throttle.begin(key, ip);
      try {
        const share = await openShare(id);
        if (share.max_uses !== null && share.max_uses !== undefined && share.times_used >= share.max_uses)
          throw errors.INVALID_CREDENTIALS();
        if (share.password) {
          const ok = typeof password === 'string' && (await passwords.verify(password, share.password));
          if (!ok) {
            throttle.fail(key, ip);
            throw errors.INVALID_CREDENTIALS();
          }
        }
        // A share whose maker is gone or suspended (or whose collection is) opens no more.
        await shareAccountability(share, ip);
        // Counted only while uses remain: two visitors at once cannot both take the last one.
        const taken = await knex('directus_shares')
          .where({ id: share.id })
          .andWhere((q) => q.whereNull('max_uses').orWhere('times_used', '<', knex.ref('max_uses')))
          .increment('times_used', 1);
        if (!taken) throw errors.INVALID_CREDENTIALS();
        return issueShare(share, ip);
      } finally {
        release();
      }
    },

    async logout(refreshToken: unknown): Promise<void> {
      if (typeof refreshToken !== 'string' || !refreshToken)
        throw errors.INVALID_PAYLOAD({ reason: '"refresh_token" is required.' });
      await SessionModel.query(knex).deleteById(hashToken(refreshToken));
    },

    /**
     * Directus's two-factor authentication of a user's own account: `generate` (after their
     * password) makes a secret and its `otpauth://` address, `enable` stores it once a code of it
     * is given, `disable` clears it with a current code.
     */
    tfa: {
      async generate(
        user: string,
        password: unknown,
        issuer: string,
      ): Promise<{ secret: string; otpauth_url: string }> {
        const row = await withPassword(user, password);
        if (row.tfa_secret) throw errors.INVALID_PAYLOAD({ reason: 'Two-factor authentication is already enabled.' });
        const secret = generateSecret();
        return { secret, otpauth_url: otpauthUrl(issuer, row.email ?? row.id, secret) };
      },
      async enable(user: string, secret: unknown, otp: unknown): Promise<void> {
        if (typeof secret !== 'string' || !base32Decode(secret) || base32Decode(secret)!.length < 10)
          throw errors.INVALID_PAYLOAD({ reason: '"secret" must be the secret /users/me/tfa/generate made.' });
        const row = await UserModel.query(knex).findById(user);
        if (!row || row.status !== 'active') throw errors.INVALID_CREDENTIALS();
        if (row.tfa_secret) throw errors.INVALID_PAYLOAD({ reason: 'Two-factor authentication is already enabled.' });
        await checkOtp(user, secret, otp);
        await UserModel.query(knex).patch({ tfa_secret: secret }).where({ id: user });
      },
      async disable(user: string, otp: unknown): Promise<void> {
        const row = await UserModel.query(knex).findById(user);
        if (!row || row.status !== 'active') throw errors.INVALID_CREDENTIALS();
        if (!row.tfa_secret) throw errors.INVALID_PAYLOAD({ reason: 'Two-factor authentication is not enabled.' });
        await checkOtp(user, row.tfa_secret, otp);
        await UserModel.query(knex).patch({ tfa_secret: null }).where({ id: user });
      },
    },

    /** An active user's accountability as their requests get it (undefined when there is no such active user). */
    async accountabilityOf(user: string, ip: string | null = null): Promise<Accountability | undefined> {
      return activeAccountability({ 'u.id': user }, ip);
    },

    /**
     * A request's accountability, as Directus's authenticate middleware finds it: first the
     * `authenticate` filter, for every request, with the public accountability, `{ req }` and the
     * database in its context (custom authentication: an external JWT, an API key header); what
     * a hook returned other than that default is used as it is. Else the bearer token (JWT or
     * static), else public.
     */
    async authenticate(token: string | null, ip: string | null = null, req: unknown = null): Promise<Accountability> {
      const fallback = publicAccountability(ip);
      const custom = await emitter.emitFilter(
        'authenticate',
        fallback,
        { req },
        {
          database: knex,
          schema: null,
          accountability: null,
        },
      );
      if (custom !== fallback && JSON.stringify(custom) !== JSON.stringify(fallback)) return custom;
      if (!token) return fallback;
      if (token.split('.').length === 3) {
        const known = verified.get(token);
        if (known !== undefined) {
          const acc = await activeAccountability({ 'u.id': known }, ip);
          if (!acc) throw errors.INVALID_CREDENTIALS();
          return acc;
        }
        const { jwtVerify, errors: joseErrors } = await loadJose();
        try {
          const { payload } = await jwtVerify(token, key, { issuer: 'directus', algorithms: ['HS256'] });
          // A share's visitor: its share is read each time (deleted or ended, the token stops).
          if (typeof payload.share === 'string') return await shareAccountability(await openShare(payload.share), ip);
          verified.set(token, payload);
          const acc = await activeAccountability({ 'u.id': String(payload.id) }, ip);
          if (!acc) throw errors.INVALID_CREDENTIALS();
          return acc;
        } catch (e) {
          if (e instanceof joseErrors.JWTExpired) throw errors.TOKEN_EXPIRED();
          if (e && typeof e === 'object' && 'status' in e) throw e;
          throw errors.INVALID_TOKEN();
        }
      }
      const acc = await activeAccountability({ 'u.token': token }, ip);
      if (!acc) throw errors.INVALID_TOKEN();
      return acc;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
