import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import type { Services } from '../services/namespace.js';
import { systemAccountability, type Accountability } from './accountability.js';
import type { Permissions } from './permissions.js';

/**
 * Directus's links mailed to a user: a password reset (`POST /auth/password/request` and
 * `/auth/password/reset`) and an invitation (`POST /users/invite` and `/users/invite/accept`).
 *
 * Each link carries a signed token (HS256, with a key derived from SECRET for these links only,
 * so it is never an access token and no access token is one of these) naming the email and what
 * it is for. A reset token also holds a digest of the password hash it was issued under, so it
 * works once: any password change, the reset included, ends it. An invitation works while the
 * user is still `invited`.
 */
export interface AccountLinksOptions {
  knex: Knex;
  services: Services;
  permissions: Permissions;
  mailer: Mailer;
  logger: Logger;
  secret: string;
  /** The app's address (`PUBLIC_URL`): links go to `<publicUrl>/admin/reset-password` and `/admin/accept-invite` by default. */
  publicUrl: string;
  /** Other addresses a request may ask the link to point at (Directus's PASSWORD_RESET_URL_ALLOW_LIST, USER_INVITE_URL_ALLOW_LIST). */
  resetUrlAllowList: string[];
  inviteUrlAllowList: string[];
}

type Scope = 'password-reset' | 'invite';
const LIFETIME_S: Record<Scope, number> = { 'password-reset': 24 * 3600, invite: 7 * 24 * 3600 };
/** A reset request answers after at least this long, whether the email is known or not (no oracle on who has an account). */
const REQUEST_FLOOR_MS = 300;
/**
 * One reset mail per address and password in this long: anyone may ask, so asking again and
 * again must not flood a user's inbox (or the outbox). A later request in the window answers the
 * same and sends nothing; once the password changed (the link was used), a new one may be asked for.
 */
export const RESET_MAIL_INTERVAL_MS = 5 * 60_000;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

/** One plain mail address (no display name, list separator or header characters): what the host mails links to. */
export function isMailAddress(value: unknown): value is string {
  return typeof value === 'string' && EMAIL.test(value);
}

let jose: Promise<typeof import('jose')> | undefined;
const loadJose = () => (jose ??= import('jose'));

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** `url` when it is one of `allowed` (compared without query or fragment), else INVALID_PAYLOAD. */
function allowedUrl(url: unknown, allowed: string[], name: string): string | undefined {
  if (url === undefined || url === null || url === '') return undefined;
  const strip = (u: string) => {
    try {
      const parsed = new URL(u);
      return `${parsed.origin}${parsed.pathname}`.replace(/\/$/, '');
    } catch {
      return undefined;
    }
  };
  const wanted = typeof url === 'string' ? strip(url) : undefined;
  if (!wanted || !allowed.some((a) => strip(a) === wanted))
    throw errors.INVALID_PAYLOAD({ reason: `"${name}" is not an address this host may send links to.` });
  return wanted;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw errors.INVALID_PAYLOAD({ reason: `"${name}" is required.` });
  return value;
}

export function createAccountLinks(options: AccountLinksOptions) {
  const { knex, services, permissions, mailer, logger } = options;
  const key = createHash('sha256').update(`annex-account-links:${options.secret}`).digest();
  /** When each address and password was last mailed a reset link; entries older than the interval are dropped. */
  const lastResetMail = new Map<string, number>();
  const mayMailReset = (email: string): boolean => {
    const now = Date.now();
    for (const [address, at] of lastResetMail) if (now - at >= RESET_MAIL_INTERVAL_MS) lastResetMail.delete(address);
    if (lastResetMail.has(email)) return false;
    lastResetMail.set(email, now);
    return true;
  };

  async function sign(scope: Scope, claims: Record<string, string>): Promise<string> {
    const { SignJWT } = await loadJose();
    return new SignJWT({ ...claims, scope })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setIssuer('annex')
      .setExpirationTime(Math.floor(Date.now() / 1000) + LIFETIME_S[scope])
      .sign(key);
  }

  async function verify(token: unknown, scope: Scope): Promise<Record<string, unknown>> {
    if (typeof token !== 'string' || !token) throw errors.INVALID_PAYLOAD({ reason: '"token" is required.' });
    const { jwtVerify, errors: joseErrors } = await loadJose();
    try {
      const { payload } = await jwtVerify(token, key, { issuer: 'annex', algorithms: ['HS256'] });
      if (payload.scope !== scope || typeof payload.email !== 'string') throw errors.INVALID_TOKEN();
      return payload;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw errors.TOKEN_EXPIRED();
      if (e && typeof e === 'object' && 'status' in e) throw e;
      throw errors.INVALID_TOKEN();
    }
  }

  const userByEmail = (email: string) =>
    knex('directus_users').whereRaw('lower(email) = lower(?)', [email]).first('id', 'email', 'status', 'password');

  /** The password written as the host writes one (hashed, every session of the user ended). */
  async function setPassword(user: string, password: string, extra: Record<string, unknown> = {}): Promise<void> {
    const users = new services.ItemsService('directus_users', {
      accountability: systemAccountability('account-links'),
    });
    await users.updateOne(user, { ...extra, password });
  }

  function mail(to: string, subject: string, lines: string[], link: string) {
    const text = `${lines.join('\n\n')}\n\n${link}\n`;
    const html = `${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`;
    // Sent in the background: the answer does not wait on (or reveal) the mail server.
    void mailer
      .send({ to, subject, text, html })
      .catch((err) => logger.warn({ err, to }, `could not send "${subject}"`));
  }

  return {
    /** Mails a reset link when `email` is an active user's; the same answer, as late, either way. */
    async requestPasswordReset(email: unknown, resetUrl: unknown): Promise<void> {
      const started = Date.now();
      const address = requireString(email, 'email');
      const base =
        allowedUrl(resetUrl, options.resetUrlAllowList, 'reset_url') ?? `${options.publicUrl}/admin/reset-password`;
      try {
        const user = EMAIL.test(address) ? await userByEmail(address) : undefined;
        if (
          user?.status === 'active' &&
          user.password &&
          mayMailReset(`${user.email.toLowerCase()} ${digest(user.password)}`)
        ) {
          const token = await sign('password-reset', { email: user.email, hash: digest(user.password) });
          mail(
            user.email,
            'Password Reset Request',
            [
              'A password reset was requested for your account. Follow the link to choose a new password; it works once, for a day.',
              'If you did not ask for it, ignore this message.',
            ],
            `${base}?token=${encodeURIComponent(token)}`,
          );
        }
      } finally {
        await sleep(Math.max(0, REQUEST_FLOOR_MS - (Date.now() - started)));
      }
    },

    async resetPassword(token: unknown, password: unknown): Promise<void> {
      const claims = await verify(token, 'password-reset');
      const next = requireString(password, 'password');
      const user = await userByEmail(String(claims.email));
      // Used already (the hash changed with the new password), or the account changed since.
      if (!user || user.status !== 'active' || !user.password || digest(user.password) !== claims.hash)
        throw errors.INVALID_TOKEN();
      await setPassword(user.id, next);
    },

    /**
     * Invites each email to `role` (creating an `invited` user, or mailing an invited one again),
     * for a caller who may create users. An address of a user past the invitation is left alone.
     */
    async invite(emails: unknown, role: unknown, inviteUrl: unknown, accountability: Accountability): Promise<void> {
      const list = (Array.isArray(emails) ? emails : [emails]).map((e) => requireString(e, 'email'));
      if (list.length === 0) throw errors.INVALID_PAYLOAD({ reason: '"email" is required.' });
      const bad = list.find((e) => !EMAIL.test(e));
      if (bad !== undefined) throw errors.INVALID_PAYLOAD({ reason: `"${bad}" is not an email address.` });
      const roleId = requireString(role, 'role');
      const base =
        allowedUrl(inviteUrl, options.inviteUrlAllowList, 'invite_url') ?? `${options.publicUrl}/admin/accept-invite`;
      await permissions.require(accountability, 'directus_users', 'create', knex);
      if (!(await knex('directus_roles').where({ id: roleId }).first('id')))
        throw errors.INVALID_PAYLOAD({ reason: `Role "${roleId}" doesn't exist.` });
      const users = new services.ItemsService('directus_users', { accountability });
      for (const email of [...new Set(list.map((e) => e.toLowerCase()))]) {
        const existing = await userByEmail(email);
        if (existing && existing.status !== 'invited') continue;
        if (!existing) await users.createOne({ email, role: roleId, status: 'invited' });
        const token = await sign('invite', { email: existing?.email ?? email });
        mail(
          existing?.email ?? email,
          "You've been invited",
          [
            'You have been invited to an Annex project. Follow the link to choose your password and sign in; it works for a week.',
          ],
          `${base}?token=${encodeURIComponent(token)}`,
        );
      }
    },

    async acceptInvite(token: unknown, password: unknown): Promise<void> {
      const claims = await verify(token, 'invite');
      const next = requireString(password, 'password');
      const user = await userByEmail(String(claims.email));
      if (!user || user.status !== 'invited') throw errors.INVALID_TOKEN();
      await setPassword(user.id, next, { status: 'active' });
    },
  };
}

export type AccountLinks = ReturnType<typeof createAccountLinks>;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
