import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { eventually, writeEndpoint } from '../helpers/write-extension.js';

/** EMAIL_TRANSPORT=smtp: flows and extensions (Directus's MailService) send real SMTP; annex_outbox records each delivery. */
let t: TestHost;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-mail-'));
  // A trusted endpoint using Directus's MailService, as published extensions do.
  writeEndpoint(root, 'mailer-endpoint', '', {
    raw: `export default (router, { services }) => {
  router.post('/', async (req, res, next) => {
    try {
      const receipt = await new services.MailService({}).send({ to: req.body.to, subject: req.body.subject, text: 'Hello from an extension' });
      res.json(receipt);
    } catch (error) {
      next(error);
    }
  });
};
`,
  });
  t = await startHost({
    extensions: [path.join(root, 'mailer-endpoint')],
    env: {
      EMAIL_TRANSPORT: 'smtp',
      EMAIL_SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_PORT: String(sink.port),
      EMAIL_FROM: 'annex@example.com',
      EMAIL_RETRY_DELAY: '50',
      EMAIL_RETRY_ATTEMPTS: '3',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const outbox = (subject: string) => t.host.knex('annex_outbox').where({ subject }).first();

describe('mail over SMTP', () => {
  it("a flow's mail operation sends the message; the outbox row says sent, with the server's id", async () => {
    const flow = (
      await t.api('POST', '/flows', {
        name: 'notify',
        status: 'active',
        accountability: 'all',
        trigger: 'webhook',
        options: { method: 'POST' },
      })
    ).body.data;
    const op = (
      await t.api('POST', '/operations', {
        flow: flow.id,
        key: 'mail',
        type: 'mail',
        name: 'mail',
        options: {
          to: ['ops@example.com'],
          subject: 'Order {{ $trigger.body.n }}',
          body: '<p>Order <b>{{ $trigger.body.n }}</b> arrived</p>',
        },
      })
    ).body.data;
    await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
    await t.host.kernel.flows.reload();
    expect((await t.api('POST', `/flows/trigger/${flow.id}`, { n: 42 })).status).toBe(200);
    const mail = sink.messages.find((m) => m.data.includes('Subject: Order 42'));
    expect(mail).toMatchObject({ from: 'annex@example.com', to: ['ops@example.com'] });
    expect(mail!.data).toContain('text/html');
    expect(mail!.data).toContain('<b>42</b>');
    expect(await outbox('Order 42')).toMatchObject({
      status: 'sent',
      sender: 'annex@example.com',
      to: 'ops@example.com',
    });
    expect((await outbox('Order 42')).message_id).toBeTruthy();
  });

  it('an extension sends through services.MailService', async () => {
    const res = await t.api('POST', '/mailer-endpoint', { to: 'someone@example.com', subject: 'From an extension' });
    expect(res.body).toMatchObject({ status: 'sent' });
    expect(
      sink.messages.some((m) => m.to.includes('someone@example.com') && m.data.includes('Hello from an extension')),
    ).toBe(true);
  });

  it('a refusal by the server is a coded error and a failed outbox row, not a lost message', async () => {
    sink.refuseWith = '550 relay not permitted';
    try {
      const res = await t.api('POST', '/mailer-endpoint', { to: 'someone@example.com', subject: 'Refused one' });
      expect(res.status).toBe(502);
      expect(res.body.errors[0].extensions.code).toBe('HOST_MAIL_FAILED');
      expect(res.body.errors[0].message).not.toContain('550');
      const row = await outbox('Refused one');
      expect(row).toMatchObject({ status: 'failed' });
      expect(row.error).toContain('550');
    } finally {
      sink.refuseWith = null;
    }
  });

  it('a server that cannot take the message now (4xx) gets it later: queued, retried, then sent whole', async () => {
    sink.refuseWith = '421 busy, try again later';
    let res;
    try {
      res = await t.api('POST', '/mailer-endpoint', { to: 'later@example.com', subject: 'Later one' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'queued', messageId: null });
      expect(await outbox('Later one')).toMatchObject({ status: 'queued', attempts: 1 });
    } finally {
      sink.refuseWith = null;
    }
    const row = await eventually(
      () => outbox('Later one'),
      (r) => r?.status === 'sent',
    );
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(row.message_id).toEqual(expect.any(String));
    const received = sink.messages.filter((m) => m.data.includes('Subject: Later one'));
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['later@example.com']);
    expect(received[0]!.data).toContain('Hello from an extension');
  });

  it('gives up after EMAIL_RETRY_ATTEMPTS, and a row a dead host left half-sent is sent by another', async () => {
    sink.refuseWith = '451 local error';
    try {
      const res = await t.api('POST', '/mailer-endpoint', { to: 'never@example.com', subject: 'Never one' });
      expect(res.body.status).toBe('queued');
      const row = await eventually(
        () => outbox('Never one'),
        (r) => r?.status === 'failed',
      );
      expect(row).toMatchObject({ status: 'failed', attempts: 3 });
      expect(row.error).toContain('451');
    } finally {
      sink.refuseWith = null;
    }
    // A host died while sending: its claim is old, so the row is sent again.
    const message = {
      from: 'annex@example.com',
      to: ['orphan@example.com'],
      cc: [],
      bcc: [],
      subject: 'Orphan one',
      text: 'left behind',
    };
    await t.host.knex('annex_outbox').insert({
      to: 'orphan@example.com',
      subject: 'Orphan one',
      body: 'left behind',
      sender: message.from,
      status: 'sending',
      attempts: 1,
      message: JSON.stringify(message),
      created: new Date().toISOString(),
      claimed_at: new Date(Date.now() - 10 * 60 * 1000).toISOString(),
    });
    expect(
      await eventually(
        () => outbox('Orphan one'),
        (r) => r?.status === 'sent',
      ),
    ).toMatchObject({ attempts: 2 });
    expect(sink.messages.some((m) => m.to.includes('orphan@example.com') && m.data.includes('left behind'))).toBe(true);
  });

  it('an administrator lists the outbox (without bodies) and sends a failed message again', async () => {
    sink.refuseWith = '550 mailbox unavailable';
    try {
      expect((await t.api('POST', '/mailer-endpoint', { to: 'again@example.com', subject: 'Try again' })).status).toBe(
        502,
      );
    } finally {
      sink.refuseWith = null;
    }
    const failed = (await t.api('GET', '/server/outbox?status=failed')).body.data;
    const row = failed.find((r: any) => r.subject === 'Try again');
    expect(row).toMatchObject({ status: 'failed', to: 'again@example.com', attempts: 1 });
    expect(row.error).toContain('550');
    expect(Object.keys(row)).not.toContain('body');
    expect(Object.keys(row)).not.toContain('message');
    const retried = await t.api('POST', `/server/outbox/${row.id}/retry`);
    expect(retried.body.data).toMatchObject({ id: row.id, status: 'queued', attempts: 0, error: null });
    const sent = await eventually(
      () => outbox('Try again'),
      (r) => r?.status === 'sent',
    );
    expect(sent.message_id).toEqual(expect.any(String));
    expect(sink.messages.filter((m) => m.data.includes('Subject: Try again'))).toHaveLength(1);
    // A sent message is not sent twice; unknown rows, bad queries and non-administrators are refused.
    expect((await t.api('POST', `/server/outbox/${row.id}/retry`)).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    expect((await t.api('POST', '/server/outbox/999999/retry')).status).toBe(403);
    expect((await t.api('GET', '/server/outbox?status=lost')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
    expect((await t.api('GET', '/server/outbox?limit=5000')).body.errors[0].extensions.code).toBe('INVALID_QUERY');
    expect((await t.api('GET', '/server/outbox?limit=1')).body.data).toHaveLength(1);
    expect((await t.api('GET', '/server/outbox', undefined, null)).status).toBe(403);
    expect((await t.api('POST', `/server/outbox/${row.id}/retry`, undefined, null)).status).toBe(403);
  });

  it('refuses bad or injected addresses before anything is sent', async () => {
    const before = sink.messages.length;
    for (const to of [
      'not-an-address',
      'a@example.com\r\nBcc: victim@example.com',
      '',
      'x@example.com>, <y@example.com',
    ]) {
      const res = await t.api('POST', '/mailer-endpoint', { to, subject: 'Injected' });
      expect([to, res.body.errors?.[0]?.extensions?.code]).toEqual([to, 'INVALID_PAYLOAD']);
    }
    expect(sink.messages.length).toBe(before);
    expect(await outbox('Injected')).toBeUndefined();
  });
});
