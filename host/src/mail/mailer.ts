import type { Knex } from 'knex';
import type { Transporter } from 'nodemailer';
import type { HostConfig } from '../config.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';

export interface MailMessage {
  to: string | string[];
  subject?: string;
  text?: string;
  html?: string;
  from?: string;
  cc?: string | string[];
  bcc?: string | string[];
  replyTo?: string;
}

export interface MailReceipt {
  /** The `annex_outbox` row that records this message. */
  id: number;
  /**
   * `sent` over SMTP; `queued` when the server could not take it now (it is retried in the
   * background); `outbox` when no transport is configured (the row is the delivery).
   */
  status: 'sent' | 'queued' | 'outbox';
  messageId: string | null;
}

export interface Mailer {
  readonly transport: HostConfig['mail']['transport'];
  send(message: MailMessage): Promise<MailReceipt>;
  /** Can the SMTP server be reached (for the health check)? Always ok for the outbox. */
  check(timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Outbox rows, newest first, without their bodies (a reset mail's body holds its token). */
  list(query: { status?: string; limit?: number; offset?: number }): Promise<OutboxRow[]>;
  /**
   * Send a `failed` or `queued` row again at once, with a fresh set of attempts (SMTP only).
   * INVALID_PAYLOAD for a row that was sent, is being sent, or has no transport to go to.
   */
  retry(id: number): Promise<OutboxRow>;
  /** Start retrying queued messages (SMTP only). */
  start(): void;
  /** Stop retrying (waits for a retry in progress) and close the connection pool. */
  close(): Promise<void>;
}

/** One `annex_outbox` row as the admin API shows it. */
export interface OutboxRow {
  id: number;
  to: string;
  subject: string | null;
  sender: string | null;
  status: 'outbox' | 'sending' | 'queued' | 'sent' | 'failed';
  attempts: number;
  next_attempt: string | null;
  error: string | null;
  message_id: string | null;
  created: string | null;
  sent_at: string | null;
}

const OUTBOX_COLUMNS = [
  'id',
  'to',
  'subject',
  'sender',
  'status',
  'attempts',
  'next_attempt',
  'error',
  'message_id',
  'created',
  'sent_at',
];
const OUTBOX_STATUSES = ['outbox', 'sending', 'queued', 'sent', 'failed'];

/** What is stored to send again: the message after its addresses were checked. */
interface Envelope {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo?: string;
  subject: string | null;
  html?: string;
  text?: string;
}

/** One address: something@something, no spaces or angle-bracket tricks. */
const ADDRESS = /^[^\s<>@,;]+@[^\s<>@,;]+$/;

/** A host that died while sending left its row `sending`; after this long another host sends it again. */
const STALE_CLAIM_MS = 5 * 60 * 1000;
const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
const RETRY_BATCH = 20;

function addresses(value: unknown, name: string, required: boolean): string[] {
  const list = (
    Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',')
        : value === undefined || value === null
          ? []
          : [value]
  )
    .map((a) => (typeof a === 'string' ? a.trim() : a))
    .filter((a) => a !== '');
  if (required && list.length === 0) throw errors.INVALID_PAYLOAD({ reason: `"${name}" needs at least one address.` });
  for (const a of list)
    if (typeof a !== 'string' || !ADDRESS.test(a))
      throw errors.INVALID_PAYLOAD({ reason: `"${name}" has an invalid address: ${JSON.stringify(a)}.` });
  return list as string[];
}

function envelope(message: MailMessage, defaultFrom: string): Envelope {
  if (!message || typeof message !== 'object')
    throw errors.INVALID_PAYLOAD({ reason: 'A mail message must be an object.' });
  const from = message.from ?? defaultFrom;
  addresses(from, 'from', true);
  return {
    from,
    to: addresses(message.to, 'to', true),
    cc: addresses(message.cc, 'cc', false),
    bcc: addresses(message.bcc, 'bcc', false),
    ...(message.replyTo ? { replyTo: addresses(message.replyTo, 'replyTo', false)[0] } : {}),
    subject: typeof message.subject === 'string' ? message.subject.slice(0, 255) : null,
    ...(typeof message.html === 'string' ? { html: message.html } : {}),
    ...(typeof message.text === 'string' ? { text: message.text } : {}),
  };
}

/**
 * A refusal that sending again will not change: a 5xx reply (the server refused the sender,
 * a recipient, the credentials) or a message nodemailer cannot build. Anything else (no
 * connection, a timeout, a 4xx "try later") is worth retrying.
 */
function isPermanent(err: unknown): boolean {
  const { responseCode, code } = (err ?? {}) as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 500;
  return code === 'EENVELOPE' || code === 'EMESSAGE';
}

/**
 * Sends mail (Directus's EMAIL_* variables). Every message is first written to `annex_outbox`,
 * then sent over SMTP when `EMAIL_TRANSPORT=smtp`; the row records the outcome, so nothing is
 * lost: `sent` with the server's message id; `queued` when the server could not take it now,
 * retried with doubling delays (EMAIL_RETRY_DELAY, EMAIL_RETRY_ATTEMPTS) by whichever host of a
 * cluster claims it first; `failed` with the reason once refused for good or out of attempts.
 * Without a transport the row is the delivery.
 */
export function createMailer(config: HostConfig['mail'], knex: Knex, logger: Logger): Mailer {
  const log = logger.child({ component: 'mail' });
  /* nodemailer (~40 modules) is loaded with the first SMTP use, not at boot. */
  let transporter: Promise<Transporter> | undefined;
  let loaded: Transporter | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> | undefined;
  let closed = false;
  const smtp = (): Promise<Transporter> =>
    (transporter ??= import('nodemailer').then(
      ({ default: nodemailer }) =>
        (loaded = nodemailer.createTransport({
          host: config.smtp.host,
          port: config.smtp.port,
          secure: config.smtp.secure,
          ignoreTLS: config.smtp.ignoreTLS,
          ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.password ?? '' } } : {}),
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })),
    ));
  const retryDelay = (attempts: number) => Math.min(MAX_RETRY_DELAY_MS, config.retryDelayMs * 2 ** (attempts - 1));

  /** One delivery attempt of row `id` (already claimed); records the outcome on the row. */
  async function attempt(
    id: number,
    mail: Envelope,
    attempts: number,
  ): Promise<{ receipt: MailReceipt } | { failed: string }> {
    try {
      const info = await (await smtp()).sendMail({
        from: mail.from,
        to: mail.to,
        ...(mail.cc.length ? { cc: mail.cc } : {}),
        ...(mail.bcc.length ? { bcc: mail.bcc } : {}),
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject ?? undefined,
        ...(mail.html !== undefined ? { html: mail.html } : {}),
        ...(mail.text !== undefined ? { text: mail.text } : {}),
      });
      const messageId = typeof info.messageId === 'string' ? info.messageId : null;
      await knex('annex_outbox').where({ id }).update({
        status: 'sent',
        message_id: messageId,
        sent_at: new Date().toISOString(),
        error: null,
        claimed_at: null,
      });
      return { receipt: { id, status: 'sent', messageId } };
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      if (!isPermanent(err) && attempts < config.retryAttempts) {
        const next = new Date(Date.now() + retryDelay(attempts)).toISOString();
        await knex('annex_outbox')
          .where({ id })
          .update({ status: 'queued', error: reason, next_attempt: next, claimed_at: null });
        log.warn(
          { err, outbox: id, attempts, next },
          'the mail server could not take the message now; it will be retried',
        );
        return { receipt: { id, status: 'queued', messageId: null } };
      }
      await knex('annex_outbox').where({ id }).update({ status: 'failed', error: reason, claimed_at: null });
      log.warn({ err, outbox: id, attempts }, 'sending mail failed');
      return { failed: reason };
    }
  }

  /** Claims due rows one by one (a row is sent by one host only) and tries them again. */
  async function retryDue(): Promise<void> {
    const now = new Date();
    await knex('annex_outbox')
      .where({ status: 'sending' })
      .where('claimed_at', '<', new Date(now.getTime() - STALE_CLAIM_MS).toISOString())
      .update({ status: 'queued', claimed_at: null, next_attempt: now.toISOString() });
    const due = await knex('annex_outbox')
      .where({ status: 'queued' })
      .where('next_attempt', '<=', now.toISOString())
      .orderBy('id')
      .limit(RETRY_BATCH)
      .select('id', 'message', 'attempts');
    for (const row of due) {
      if (closed) return;
      const attempts = Number(row.attempts) + 1;
      const claimed = await knex('annex_outbox')
        .where({ id: row.id, status: 'queued' })
        .update({ status: 'sending', attempts, claimed_at: new Date().toISOString() });
      if (claimed !== 1) continue;
      let mail: Envelope;
      try {
        mail = JSON.parse(String(row.message)) as Envelope;
      } catch {
        await knex('annex_outbox')
          .where({ id: row.id })
          .update({ status: 'failed', error: 'The stored message cannot be read.', claimed_at: null });
        continue;
      }
      await attempt(Number(row.id), mail, attempts);
    }
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(
      () => {
        pass = retryDue()
          .catch((err) => log.warn({ err }, 'retrying queued mail failed'))
          .finally(() => {
            pass = undefined;
            schedule();
          });
      },
      Math.min(config.retryDelayMs, 5000),
    );
    timer.unref();
  }

  return {
    transport: config.transport,
    async send(message) {
      const mail = envelope(message, config.from);
      const smtpTransport = config.transport === 'smtp';
      const [row] = await knex('annex_outbox')
        .insert({
          to: mail.to.join(','),
          subject: mail.subject,
          body: mail.html ?? mail.text ?? null,
          sender: mail.from,
          status: smtpTransport ? 'sending' : 'outbox',
          created: new Date().toISOString(),
          message: JSON.stringify(mail),
          attempts: smtpTransport ? 1 : 0,
          ...(smtpTransport ? { claimed_at: new Date().toISOString() } : {}),
        })
        .returning('id');
      const id = Number(typeof row === 'object' ? (row as { id: number }).id : row);
      if (!smtpTransport) return { id, status: 'outbox', messageId: null };
      const outcome = await attempt(id, mail, 1);
      if ('failed' in outcome) throw errors.HOST_MAIL_FAILED({ reason: outcome.failed, outbox: id });
      return outcome.receipt;
    },
    async check(timeoutMs) {
      if (config.transport !== 'smtp') return { ok: true };
      try {
        await Promise.race([
          smtp().then((t) => t.verify()),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
          ),
        ]);
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
    async list({ status, limit = 100, offset = 0 }) {
      if (status !== undefined && !OUTBOX_STATUSES.includes(status))
        throw errors.INVALID_QUERY({ reason: `"status" must be one of ${OUTBOX_STATUSES.join(', ')}.` });
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw errors.INVALID_QUERY({ reason: '"limit" must be an integer from 1 to 1000.' });
      if (!Number.isInteger(offset) || offset < 0)
        throw errors.INVALID_QUERY({ reason: '"offset" must be a whole number.' });
      const q = knex('annex_outbox').select(OUTBOX_COLUMNS).orderBy('id', 'desc').limit(limit).offset(offset);
      if (status) q.where({ status });
      return (await q) as OutboxRow[];
    },
    async retry(id) {
      if (config.transport !== 'smtp')
        throw errors.INVALID_PAYLOAD({ reason: 'With EMAIL_TRANSPORT=outbox there is nothing to send mail with.' });
      const [row] = (await knex('annex_outbox').select(OUTBOX_COLUMNS).where({ id })) as OutboxRow[];
      if (!row) throw errors.FORBIDDEN();
      // Only a row nobody is sending moves; two admins (or hosts) retrying at once move it once.
      const queued = { status: 'queued' as const, attempts: 0, next_attempt: new Date().toISOString(), error: null };
      const moved = await knex('annex_outbox')
        .where({ id })
        .whereIn('status', ['failed', 'queued'])
        .update({ ...queued, claimed_at: null });
      if (!moved) {
        const now = (await knex('annex_outbox').where({ id }).first('status')) as { status: string } | undefined;
        throw errors.INVALID_PAYLOAD({
          reason: `Message ${id} is ${now?.status ?? row.status}; only failed or queued messages are sent again.`,
        });
      }
      if (!timer && !closed) schedule();
      // As it was queued (the retry pass may already be sending it).
      return { ...row, ...queued };
    },
    start() {
      if (config.transport === 'smtp' && !timer && !closed) schedule();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await pass;
      loaded?.close();
    },
  };
}
