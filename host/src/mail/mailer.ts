import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
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
  /** `sent` over SMTP, or `outbox` when no transport is configured (the row is the delivery). */
  status: 'sent' | 'outbox';
  messageId: string | null;
}

export interface Mailer {
  readonly transport: HostConfig['mail']['transport'];
  send(message: MailMessage): Promise<MailReceipt>;
  /** Can the SMTP server be reached (for the health check)? Always ok for the outbox. */
  check(timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): void;
}

/** One address: something@something, no spaces or angle-bracket tricks. */
const ADDRESS = /^[^\s<>@,;]+@[^\s<>@,;]+$/;

function addresses(value: unknown, name: string, required: boolean): string[] {
  const list = (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value === undefined || value === null ? [] : [value])
    .map((a) => (typeof a === 'string' ? a.trim() : a))
    .filter((a) => a !== '');
  if (required && list.length === 0) throw errors.INVALID_PAYLOAD({ reason: `"${name}" needs at least one address.` });
  for (const a of list) if (typeof a !== 'string' || !ADDRESS.test(a)) throw errors.INVALID_PAYLOAD({ reason: `"${name}" has an invalid address: ${JSON.stringify(a)}.` });
  return list as string[];
}

/**
 * Sends mail (Directus's EMAIL_* variables). Every message is first written to `annex_outbox`,
 * then sent over SMTP when `EMAIL_TRANSPORT=smtp`; the row records the outcome (sent with the
 * server's message id, or failed with the reason), so nothing is lost when the server refuses.
 * Without a transport the row is the delivery, as before.
 */
export function createMailer(config: HostConfig['mail'], knex: Knex, logger: Logger): Mailer {
  const log = logger.child({ component: 'mail' });
  let transporter: Transporter | undefined;
  const smtp = (): Transporter =>
    (transporter ??= nodemailer.createTransport({
      host: config.smtp.host,
      port: config.smtp.port,
      secure: config.smtp.secure,
      ignoreTLS: config.smtp.ignoreTLS,
      ...(config.smtp.user ? { auth: { user: config.smtp.user, pass: config.smtp.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    }));

  return {
    transport: config.transport,
    async send(message) {
      if (!message || typeof message !== 'object') throw errors.INVALID_PAYLOAD({ reason: 'A mail message must be an object.' });
      const to = addresses(message.to, 'to', true);
      const cc = addresses(message.cc, 'cc', false);
      const bcc = addresses(message.bcc, 'bcc', false);
      const from = message.from ?? config.from;
      addresses(from, 'from', true);
      const subject = typeof message.subject === 'string' ? message.subject.slice(0, 255) : null;
      const body = typeof message.html === 'string' ? message.html : typeof message.text === 'string' ? message.text : null;
      const [row] = await knex('annex_outbox')
        .insert({ to: to.join(','), subject, body, sender: from, status: config.transport === 'smtp' ? 'sending' : 'outbox', created: new Date().toISOString() })
        .returning('id');
      const id = Number(typeof row === 'object' ? (row as { id: number }).id : row);
      if (config.transport !== 'smtp') return { id, status: 'outbox', messageId: null };
      try {
        const info = await smtp().sendMail({
          from, to, ...(cc.length ? { cc } : {}), ...(bcc.length ? { bcc } : {}),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          subject: subject ?? undefined,
          ...(typeof message.html === 'string' ? { html: message.html } : {}),
          ...(typeof message.text === 'string' ? { text: message.text } : {}),
        });
        const messageId = typeof info.messageId === 'string' ? info.messageId : null;
        await knex('annex_outbox').where({ id }).update({ status: 'sent', message_id: messageId, sent_at: new Date().toISOString() });
        return { id, status: 'sent', messageId };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        await knex('annex_outbox').where({ id }).update({ status: 'failed', error: reason.slice(0, 2000) }).catch(() => undefined);
        log.warn({ err, outbox: id }, 'sending mail failed');
        throw errors.HOST_MAIL_FAILED({ reason, outbox: id });
      }
    },
    async check(timeoutMs) {
      if (config.transport !== 'smtp') return { ok: true };
      try {
        await Promise.race([smtp().verify(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
    close() {
      transporter?.close();
    },
  };
}
