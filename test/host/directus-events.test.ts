import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTUS_EVENTS, EMITTED_EVENTS, NOT_EMITTED_EVENTS } from '../../host/src/events/directus-events.js';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { eventually, writeEndpoint, writeHook } from '../helpers/write-extension.js';

type Seen = { kind: string; event: string; payload?: unknown; meta: Record<string, unknown> };
const seen = (): Seen[] => ((globalThis as { __directusEvents?: Seen[] }).__directusEvents ??= []);

describe('the Directus event list', () => {
  it('is pinned: every filter, action and init event Directus emits', () => {
    const names = (kind: string) =>
      DIRECTUS_EVENTS.filter((e) => e.kind === kind)
        .map((e) => e.name)
        .sort();
    expect(names('filter')).toEqual([
      'auth.create',
      'auth.jwt',
      'auth.login',
      'auth.update',
      'authenticate',
      'database.error',
      'email.send',
      'items.create',
      'items.delete',
      'items.promote',
      'items.query',
      'items.read',
      'items.update',
      'request.error',
      'request.not_found',
      'websocket.authenticate',
      'websocket.message',
    ]);
    expect(names('action')).toEqual([
      'auth.login',
      'extensions.installed',
      'extensions.load',
      'extensions.reload',
      'extensions.uninstalled',
      'extensions.unload',
      'files.upload',
      'items.create',
      'items.delete',
      'items.promote',
      'items.read',
      'items.sort',
      'items.update',
      'response',
      'server.start',
      'server.stop',
      'websocket.auth.failure',
      'websocket.auth.success',
      'websocket.close',
      'websocket.connect',
      'websocket.error',
      'websocket.message',
    ]);
    expect(names('init')).toEqual([
      'app.after',
      'app.before',
      'cli.after',
      'cli.before',
      'middlewares.after',
      'middlewares.before',
      'routes.after',
      'routes.before',
      'routes.custom.after',
      'routes.custom.before',
    ]);
    // Only features this host lacks are not emitted; each says which feature.
    expect(DIRECTUS_EVENTS.filter((e) => !e.emitted)).toEqual(NOT_EMITTED_EVENTS);
    expect(EMITTED_EVENTS.every((e) => e.emitted)).toBe(true);
  });

  it('pins what is not emitted, and why', () => {
    expect(NOT_EMITTED_EVENTS.map((e) => [e.missing, e.kind, e.name])).toEqual([
      ['external auth providers', 'filter', 'auth.create'],
      ['external auth providers', 'filter', 'auth.update'],
    ]);
    expect(NOT_EMITTED_EVENTS.every((e) => e.instead.length > 0)).toBe(true);
    // The init events all fire now, cli.* included (cli-init-events.test.ts).
    expect(EMITTED_EVENTS.filter((e) => e.kind === 'init').map((e) => e.name)).toContain('cli.before');
  });
});

describe("a trusted hook receives Directus events with Directus's shapes", () => {
  let t: TestHost;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-events-'));
    const record = `(kind, event) => (a, b) => { (globalThis.__directusEvents ??= []).push(kind === 'filter' ? { kind, event, payload: a, meta: b } : { kind, event, meta: a }); }`;
    const hook = writeHook(
      root,
      'event-recorder',
      '',
      `const rec = ${record};
export default ({ filter, action }) => {
  for (const e of ['files.upload', 'response', 'extensions.load', 'extensions.reload']) action(e, rec('action', e));
  filter('database.error', (error, meta) => { rec('filter', 'database.error')({ code: error.code }, meta); return error; });
  filter('email.send', (message) => ({ ...message, subject: message.subject + ' [stamped]' }));
  filter('request.error', (errors) => errors.map((e) => ({ ...e, extensions: { ...e.extensions, seen: true } })));
  filter('request.not_found', (handled, { request, response }) => {
    if (request.url !== '/teapot') return handled;
    response.statusCode = 418;
    response.end('short and stout');
    return true;
  });
};
`,
    );
    const endpoint = writeEndpoint(root, 'event-triggers', '', {
      raw: `import { Readable } from 'node:stream';
export default (router, { services }) => {
  router.post('/upload', async (req, res, next) => {
    try {
      const files = new services.FilesService({ accountability: req.accountability });
      res.json({ key: await files.uploadOne(Readable.from([Buffer.from('hello')]), { filename_download: 'hello.txt', type: 'text/plain' }) });
    } catch (e) { next(e); }
  });
  router.post('/mail', async (req, res, next) => {
    try {
      await new services.MailService({}).send({ to: 'someone@example.com', subject: 'Hi', text: 'body' });
      res.json({ ok: true });
    } catch (e) { next(e); }
  });
};
`,
    });
    t = await startHost({ extensions: [hook, endpoint] });
    await createCollection(t, 'things', { name: 'string' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('extensions.load at boot with the active extensions; extensions.reload when one goes', async () => {
    const load = seen().find((s) => s.event === 'extensions.load');
    expect(load?.meta.extensions).toEqual(expect.arrayContaining(['event-recorder', 'event-triggers']));
    const row = (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === 'event-triggers');
    await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } });
    const reload = await eventually(async () => seen().find((s) => s.event === 'extensions.reload'), Boolean);
    expect(reload!.meta).toMatchObject({ added: [], removed: ['event-triggers'] });
    expect(reload!.meta.extensions).not.toContain('event-triggers');
    await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: true } });
    await eventually(
      async () => seen().filter((s) => s.event === 'extensions.reload').length,
      (n) => n >= 2,
    );
  });

  it('files.upload: {payload, key, collection}', async () => {
    const { key } = (await t.api('POST', '/event-triggers/upload')).body;
    const upload = await eventually(async () => seen().find((s) => s.event === 'files.upload'), Boolean);
    expect(upload!.meta).toMatchObject({
      key,
      collection: 'directus_files',
      payload: { filename_download: 'hello.txt', type: 'text/plain', filesize: 5 },
    });
  });

  it('email.send filters the message before it is sent', async () => {
    expect((await t.api('POST', '/event-triggers/mail')).status).toBe(200);
    const row = await t.host.knex('annex_outbox').orderBy('id', 'desc').first();
    expect(row.subject).toBe('Hi [stamped]');
  });

  it('response: {request, response, ip, duration, finished} after each response', async () => {
    await t.api('GET', '/items/things');
    const response = await eventually(
      async () =>
        seen().find((s) => s.event === 'response' && (s.meta.request as { url?: string })?.url === '/items/things'),
      Boolean,
    ).catch((e) => {
      throw new Error(
        `${e.message}; responses seen: ${JSON.stringify(
          seen()
            .filter((s) => s.event === 'response')
            .map((s) => (s.meta.request as { url?: string })?.url),
        )}`,
      );
    });
    expect(Object.keys(response!.meta).sort()).toEqual(['duration', 'event', 'finished', 'ip', 'request', 'response']);
    expect(typeof response!.meta.duration).toBe('number');
    expect(response!.meta.finished).toBe(true);
  });

  it('request.not_found lets a hook answer; request.error rewrites the errors of an error response', async () => {
    const teapot = await fetch(`${t.url}/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe('short and stout');
    const missing = await t.api('GET', '/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].extensions).toEqual({ code: 'ROUTE_NOT_FOUND', seen: true });
  });

  it('database.error: the coded error and {client}', async () => {
    expect((await t.api('POST', '/items/things', { id: 7, name: 'a' })).status).toBe(200);
    const dup = await t.api('POST', '/items/things', { id: 7, name: 'b' });
    expect(dup.body.errors[0].extensions.code).toBe('RECORD_NOT_UNIQUE');
    const error = seen().find((s) => s.event === 'database.error');
    expect(error?.payload).toEqual({ code: 'RECORD_NOT_UNIQUE' });
    expect(typeof error?.meta.client).toBe('string');
  });
});
