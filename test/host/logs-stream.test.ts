import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { openSocket, upgradeStatus } from '../helpers/realtime.js';
import { writeEndpoint, writeHook } from '../helpers/write-extension.js';

// Directus's logs stream (docs/realtime.md): an administrator follows the host's log lines over
// WEBSOCKETS_LOGS_PATH.
describe('the logs stream', () => {
  let t: TestHost;
  let logs: string;
  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-logs-'));
    // A trusted endpoint that logs a warning and an error carrying a marker.
    const ext = writeEndpoint(root, 'loud', '', {
      raw: `export default (router, { logger }) => {
  router.get('/', (req, res) => {
    logger.warn({ marker: req.query.m }, 'a warning from the extension');
    logger.error({ marker: req.query.m }, 'an error from the extension');
    res.send('logged');
  });
  router.post('/', (req, res) => {
    logger.warn({ marker: req.body.m, body: req.body.body }, 'a long warning');
    res.send('logged');
  });
};
`,
    });
    // A trusted hook that records Directus's websocket.* actions with their client.
    const hook = writeHook(
      root,
      'logs-events',
      '',
      `export default ({ action }) => {
  const seen = (globalThis.__logsEvents ??= []);
  for (const event of ['websocket.connect', 'websocket.message', 'websocket.error', 'websocket.close'])
    action(event, ({ client, event: detail }) => seen.push([event, client.uid, client.accountability.user, detail?.code]));
};
`,
    );
    t = await startHost({
      extensions: [ext, hook],
      env: {
        WEBSOCKETS_ENABLED: 'true',
        WEBSOCKETS_HEARTBEAT_ENABLED: 'false',
        WEBSOCKETS_MAX_BUFFERED: '65536',
        LOG_LEVEL: 'warn',
      },
    });
    logs = `/websocket/logs?access_token=${t.token}`;
  });
  afterAll(() => t?.close());

  const isLog = (marker: string) => (m: any) => m.type === 'logs' && m.data?.marker === marker;

  it('sends an administrator the lines at its level and above, with the host id, until it unsubscribes', async () => {
    const s = await openSocket(t.url, logs);
    s.send({ type: 'subscribe', log_level: 'warn', uid: 'w' });
    expect(await s.next()).toEqual({ type: 'logs', event: 'subscribe', log_level: 'warn', uid: 'w' });
    expect((await t.api('GET', '/loud?m=one')).status).toBe(200);
    const warning = await s.next(isLog('one'));
    expect(warning.data).toMatchObject({ level: 40, msg: 'a warning from the extension', marker: 'one' });
    expect(typeof warning.uid).toBe('string');
    expect((await s.next(isLog('one'))).data.level).toBe(50);

    s.send({ type: 'subscribe', log_level: 'error' });
    expect((await s.next()).log_level).toBe('error');
    await t.api('GET', '/loud?m=two');
    expect((await s.next(isLog('two'))).data.level).toBe(50);
    expect(await s.none(isLog('two'), 300)).toBeUndefined();

    s.send({ type: 'unsubscribe' });
    expect(await s.next()).toEqual({ type: 'logs', event: 'unsubscribe' });
    await t.api('GET', '/loud?m=three');
    expect(await s.none(isLog('three'), 300)).toBeUndefined();
    s.close();
  });

  it('admits administrators only: no token 401, a forged one 401, another user 403', async () => {
    const ws = `${t.url.replace('http', 'ws')}/websocket/logs`;
    expect(await upgradeStatus(ws)).toBe(401);
    expect(await upgradeStatus(`${ws}?access_token=forged`)).toBe(401);
    const user = await createUser(t, 'logs-reader', [{ collection: 'directus_users', action: 'read' }]);
    expect(await upgradeStatus(`${ws}?access_token=${user.token}`)).toBe(403);
  });

  it('refuses a bad level and an unknown message with coded errors, and answers ping', async () => {
    const s = await openSocket(t.url, logs);
    s.send({ type: 'subscribe', log_level: 'loud' });
    expect(await s.next()).toMatchObject({ type: 'logs', status: 'error', error: { code: 'INVALID_PAYLOAD' } });
    s.send({ type: 'items', collection: 'x' });
    expect(await s.next()).toMatchObject({ status: 'error', error: { code: 'INVALID_PAYLOAD' } });
    s.send('not json');
    expect(await s.next()).toMatchObject({ status: 'error', error: { code: 'INVALID_PAYLOAD' } });
    s.send({ type: 'ping', uid: 1 });
    expect(await s.next()).toEqual({ type: 'pong', uid: 1 });
    s.close();
  });

  it('stops sending to an administrator who is no longer one', async () => {
    const made = await t.api('POST', '/roles', { name: 'Second admins', admin_access: true, app_access: true });
    expect(made.status).toBe(200);
    const role = made.body.data.id;
    const user = await t.api('POST', '/users', {
      email: 'second-admin@example.com',
      password: 'second-admin-password',
      role,
      status: 'active',
    });
    expect(user.status).toBe(200);
    const login = await t.api('POST', '/auth/login', {
      email: 'second-admin@example.com',
      password: 'second-admin-password',
    });
    const s = await openSocket(t.url, `/websocket/logs?access_token=${login.body.data.access_token}`);
    s.send({ type: 'subscribe', log_level: 'warn' });
    expect((await s.next()).event).toBe('subscribe');
    expect((await t.api('PATCH', `/roles/${role}`, { admin_access: false })).status).toBe(200);
    expect(await s.next((m) => m.status === 'error', 4000)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    await t.api('GET', '/loud?m=after');
    expect(await s.none(isLog('after'), 300)).toBeUndefined();
    s.close();
  });

  it('disconnects a follower that stops reading instead of holding the lines for it', async () => {
    const s = await openSocket(t.url, logs);
    s.send({ type: 'subscribe', log_level: 'warn' });
    expect((await s.next()).event).toBe('subscribe');
    // The client stops reading: the kernel's buffers fill, then the host's.
    const socket = (s.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const body = 'z'.repeat(200_000);
    for (let i = 0; i < 60; i++) expect((await t.api('POST', '/loud', { m: 'long', body })).status).toBe(200);
    // When it reads again it gets what was already on the wire, then the end: not all 60 lines.
    socket.resume();
    const closed = await Promise.race([s.closed, new Promise((r) => setTimeout(() => r('open'), 5000))]);
    expect(closed).toMatchObject({ code: 1006 });
    expect(s.pending.filter(isLog('long')).length).toBeLessThan(60);
    expect((await t.api('GET', '/server/ping')).status).toBe(200);
  });

  it("emits Directus's websocket.connect and websocket.close for a follower (not the message events, as Directus's logs stream)", async () => {
    const seen = ((globalThis as { __logsEvents?: unknown[][] }).__logsEvents ??= []);
    seen.length = 0;
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const s = await openSocket(t.url, logs);
    s.send({ type: 'subscribe', log_level: 'error' });
    expect((await s.next()).event).toBe('subscribe');
    s.close();
    await new Promise((r) => setTimeout(r, 200));
    const uid = seen.find((e) => e[0] === 'websocket.connect')?.[1];
    expect(typeof uid).toBe('string');
    expect(seen).toEqual([
      ['websocket.connect', uid, me, undefined],
      ['websocket.close', uid, me, expect.any(Number)],
    ]);
  });
});
