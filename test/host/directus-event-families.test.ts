import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMITTED_EVENTS } from '../../host/src/events/directus-events.js';
import { startDirectusRegistry, type DirectusRegistry } from '../helpers/directus-registry.js';
import { createCollection, FIXTURES, startHost, type TestHost } from '../helpers/host.js';
import { openSocket } from '../helpers/realtime.js';
import { eventually, writeEndpoint, writeHook } from '../helpers/write-extension.js';

/**
 * Every filter and action event of EMITTED_EVENTS is received by a trusted hook, with exactly the
 * meta keys the list states (Directus's shape). Init events are received in directus-express.test.ts
 * (app/middlewares/routes) and cli-init-events.test.ts (cli).
 */
type Seen = { kind: 'filter' | 'action'; event: string; payload?: unknown; meta: Record<string, unknown> };
const seen = (): Seen[] => ((globalThis as { __eventFamilies?: Seen[] }).__eventFamilies ??= []);
const find = (kind: string, event: string) => seen().find((s) => s.kind === kind && s.event === event);
const received = (kind: string, event: string) => eventually(async () => find(kind, event), Boolean);
// The emitter adds the event's name as `meta.event`; a meta's own `event` (a WebSocket's close event) replaces it, as in Directus.
const metaKeys = (s: Seen) =>
  Object.keys(s.meta)
    .filter((k) => k !== 'event' || s.meta.event !== s.event)
    .sort();
const STAMP = 'directus-sandboxed-stamp-hook';

let t: TestHost;
let reg: DirectusRegistry;
let root: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-event-families-'));
  const listen = (kind: string) =>
    JSON.stringify([...new Set(EMITTED_EVENTS.filter((e) => e.kind === kind).map((e) => e.name))]);
  const hook = writeHook(
    root,
    'family-recorder',
    '',
    `const log = (entry) => (globalThis.__eventFamilies ??= []).push(entry);
export default ({ filter, action }) => {
  for (const e of ${listen('filter')}) filter(e, (payload, meta) => { log({ kind: 'filter', event: e, payload, meta }); });
  for (const e of ${listen('action')}) action(e, (meta) => { log({ kind: 'action', event: e, meta }); });
};
`,
  );
  const endpoint = writeEndpoint(root, 'family-triggers', '', {
    raw: `import { Readable } from 'node:stream';
export default (router, { services }) => {
  router.post('/upload', async (req, res, next) => {
    try {
      const files = new services.FilesService({ accountability: req.accountability });
      res.json({ key: await files.uploadOne(Readable.from([Buffer.from('hi')]), { filename_download: 'hi.txt', type: 'text/plain' }) });
    } catch (e) { next(e); }
  });
  router.post('/mail', async (_req, res, next) => {
    try {
      await new services.MailService({}).send({ to: 'someone@example.com', subject: 'Hi', text: 'body' });
      res.json({ ok: true });
    } catch (e) { next(e); }
  });
};
`,
  });
  reg = await startDirectusRegistry([{ dir: path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook') }]);
  t = await startHost({
    extensions: [hook, endpoint],
    env: { MARKETPLACE_REGISTRY: reg.url, WEBSOCKETS_ENABLED: 'true', WEBSOCKETS_MAX_MESSAGE_SIZE: '1024' },
  });
  expect(
    (
      await t.api('POST', '/collections', {
        collection: 'tasks',
        meta: { sort_field: 'sort' },
        fields: [
          { field: 'title', type: 'string' },
          { field: 'sort', type: 'integer' },
        ],
      })
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await reg?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("every emitted Directus event reaches a trusted hook with Directus's meta", () => {
  it('server and auth: server.start, auth.login (filter and action), auth.jwt, authenticate', async () => {
    expect((await received('action', 'server.start'))!.meta.server).toBeTruthy();
    expect((await received('filter', 'auth.login'))!.payload).toMatchObject({ email: 'admin@example.com' });
    expect((await received('action', 'auth.login'))!.meta).toMatchObject({
      status: 'success',
      provider: 'default',
      payload: { email: 'admin@example.com' },
    });
    expect((await received('filter', 'auth.jwt'))!.meta).toMatchObject({
      status: 'pending',
      provider: 'default',
      type: 'login',
    });
    await fetch(`${t.url}/server/ping`);
    const auth = await received('filter', 'authenticate');
    // The request the accountability is built for, as Directus passes it.
    expect(typeof (auth!.meta.req as { headers?: unknown }).headers).toBe('object');
    expect(auth!.payload).toMatchObject({ user: null, admin: false });
  });

  it('items: query, read, create, update, delete (filters and actions) and sort', async () => {
    const a = (await t.api('POST', '/items/tasks', { title: 'a', sort: 1 })).body.data.id;
    const b = (await t.api('POST', '/items/tasks', { title: 'b', sort: 2 })).body.data.id;
    expect((await received('filter', 'items.create'))!.payload).toMatchObject({ title: 'a' });
    expect((await received('action', 'items.create'))!.meta).toMatchObject({
      key: a,
      collection: 'tasks',
      payload: { title: 'a' },
    });
    await t.api('GET', '/items/tasks?filter[title][_eq]=a');
    expect((await received('filter', 'items.query'))!.meta).toMatchObject({ collection: 'tasks' });
    expect((await received('action', 'items.read'))!.meta).toMatchObject({ collection: 'tasks' });
    await t.api('PATCH', `/items/tasks/${a}`, { title: 'a2' });
    const update = (await received('action', 'items.update'))!.meta;
    expect(update).toMatchObject({ payload: { title: 'a2' }, collection: 'tasks' });
    expect((update.keys as unknown[]).map(String)).toEqual([String(a)]);
    expect((await t.api('POST', '/utils/sort/tasks', { item: b, to: a })).status).toBe(204);
    expect((await received('action', 'items.sort'))!.meta).toMatchObject({ collection: 'tasks', item: b, to: a });
    await t.api('DELETE', `/items/tasks/${b}`);
    expect(((await received('filter', 'items.delete'))!.payload as unknown[]).map(String)).toEqual([String(b)]);
    const deleted = (await received('action', 'items.delete'))!.meta;
    expect(deleted).toMatchObject({ collection: 'tasks' });
    expect((deleted.keys as unknown[]).map(String)).toEqual([String(b)]);
  });

  it('versions: items.promote (filter and action)', async () => {
    const made = await t.api('POST', '/collections', {
      collection: 'drafts',
      meta: { versioning: true },
      fields: [{ field: 'title', type: 'string' }],
    });
    expect(made.status).toBe(200);
    const item = (await t.api('POST', '/items/drafts', { title: 'a' })).body.data.id;
    const version = (await t.api('POST', '/versions', { key: 'next', collection: 'drafts', item })).body.data;
    await t.api('POST', `/versions/${version.id}/save`, { title: 'b' });
    const { mainHash } = (await t.api('GET', `/versions/${version.id}/compare`)).body.data;
    expect((await t.api('POST', `/versions/${version.id}/promote`, { mainHash })).status).toBe(200);
    expect((await received('filter', 'items.promote'))!.payload).toEqual({ title: 'b' });
    expect((await received('action', 'items.promote'))!.meta).toMatchObject({
      payload: { title: 'b' },
      collection: 'drafts',
      version: version.id,
    });
  });

  it('requests, database, mail and files', async () => {
    await t.api('GET', '/nowhere');
    await received('filter', 'request.not_found');
    await received('filter', 'request.error');
    await received('action', 'response');
    await createCollection(t, 'plain', { name: 'string' });
    await t.api('POST', '/items/plain', { id: 1, name: 'x' });
    await t.api('POST', '/items/plain', { id: 1, name: 'y' });
    expect((await received('filter', 'database.error'))!.payload).toMatchObject({ code: 'RECORD_NOT_UNIQUE' });
    await t.api('POST', '/family-triggers/mail');
    expect((await received('filter', 'email.send'))!.payload).toMatchObject({ subject: 'Hi' });
    const { key } = (await t.api('POST', '/family-triggers/upload')).body;
    expect((await received('action', 'files.upload'))!.meta).toMatchObject({ key, collection: 'directus_files' });
  });

  it('websocket: authenticate, connect, message (filter and action), auth success and failure, error and close', async () => {
    const s = await openSocket(t.url);
    s.send({ type: 'auth', access_token: t.token });
    expect((await s.next()).status).toBe('ok');
    // The message as sent, less what the host checks itself (a password, a refresh token).
    expect((await received('filter', 'websocket.authenticate'))!.meta.message).toEqual({
      type: 'auth',
      access_token: t.token,
    });
    const client = (await received('action', 'websocket.connect'))!.meta.client as { uid: string; send: unknown };
    expect(typeof client.uid).toBe('string');
    expect(typeof client.send).toBe('function');
    s.send({ type: 'ping', uid: 'p' });
    expect(await s.next()).toEqual({ type: 'pong', uid: 'p' });
    expect((await received('filter', 'websocket.message'))!.payload).toEqual({ type: 'ping', uid: 'p' });
    expect((await received('action', 'websocket.message'))!.meta).toMatchObject({ message: { type: 'ping' }, client });
    s.send({ type: 'auth', access_token: t.token });
    await s.next();
    expect((await received('action', 'websocket.auth.success'))!.meta.client).toBe(client);
    s.send({ type: 'auth', email: 'admin@example.com', password: 'wrong-password' });
    expect((await s.next()).error.code).toBe('AUTH_FAILED');
    expect((await received('action', 'websocket.auth.failure'))!.meta.client).toBe(client);
    expect((await received('action', 'websocket.close'))!.meta.event).toMatchObject({ code: 1008 });
    // A frame over WEBSOCKETS_MAX_MESSAGE_SIZE is a protocol error.
    const big = await openSocket(t.url);
    big.send({ type: 'auth', access_token: t.token });
    await big.next();
    big.send({ type: 'ping', padding: 'x'.repeat(2048) });
    expect((await big.closed).code).toBe(1009);
    expect(((await received('action', 'websocket.error'))!.meta.event as { message: string }).message).toMatch(
      /payload/i,
    );
  });

  it('extensions: load, installed, uninstalled, reload, then unload and server.stop on close', async () => {
    expect((await received('action', 'extensions.load'))!.meta.extensions).toEqual(
      expect.arrayContaining(['family-recorder', 'family-triggers']),
    );
    const installed = await t.api('POST', '/extensions/registry/install', {
      extension: reg.extensionId(STAMP),
      version: reg.versionId(STAMP, '1.0.0'),
    });
    expect(installed.status).toBe(200);
    expect((await received('action', 'extensions.installed'))!.meta).toEqual(
      expect.objectContaining({ extensions: [STAMP], versionId: reg.versionId(STAMP, '1.0.0') }),
    );
    expect((await t.api('DELETE', `/extensions/registry/uninstall/${STAMP}`)).status).toBe(204);
    expect((await received('action', 'extensions.uninstalled'))!.meta.extensions).toEqual([STAMP]);
    const row = (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === 'family-triggers');
    await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } });
    await eventually(
      async () =>
        seen().some((s) => s.event === 'extensions.reload' && (s.meta.removed as string[]).includes('family-triggers')),
      Boolean,
    );
    await t.close();
    expect(find('action', 'extensions.unload')!.meta.extensions).toEqual(expect.arrayContaining(['family-recorder']));
    expect(find('action', 'server.stop')!.meta.server).toBeTruthy();
  });

  it('covers the list: each emitted filter and action was received with exactly the meta keys listed', () => {
    const missing: string[] = [];
    for (const e of EMITTED_EVENTS.filter((x) => x.kind !== 'init')) {
      const s = find(e.kind, e.name);
      if (!s) missing.push(`${e.kind} ${e.name}`);
      else expect(metaKeys(s), `${e.kind} ${e.name}`).toEqual([...e.meta].sort());
    }
    expect(missing).toEqual([]);
  });
});
