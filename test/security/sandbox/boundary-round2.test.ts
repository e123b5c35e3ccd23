import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../../helpers/host.js';

/**
 * Round two of attacks on the `directus:api` boundary, against a real host. Every test asserts
 * the SAFE outcome: a failing test is an attack that succeeded.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sandboxed package: `type` endpoint/hook (dist/index.js) or operation (dist/api.js + dist/app.js). */
function writeSandboxed(
  root: string,
  name: string,
  type: 'endpoint' | 'hook' | 'operation',
  scopes: object,
  code: string,
): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const entry =
    type === 'operation'
      ? { path: { api: 'dist/api.js', app: 'dist/app.js' }, source: { api: 'src/api.js', app: 'src/app.js' } }
      : { path: 'dist/index.js', source: 'src/index.js' };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': { type, ...entry, host: '^10.10.0', sandbox: { enabled: true, requestedScopes: scopes } },
    }),
  );
  if (type === 'operation') {
    fs.writeFileSync(path.join(dir, 'dist', 'api.js'), code);
    fs.writeFileSync(
      path.join(dir, 'dist', 'app.js'),
      `export default { id: 'x', name: 'x', icon: 'box', overview: () => [], options: [] };\n`,
    );
  } else fs.writeFileSync(path.join(dir, 'dist', 'index.js'), code);
  return dir;
}

/** Everything an extension has in its storage, as one string. */
async function storageOf(t: TestHost, extension: string): Promise<string> {
  return JSON.stringify(await t.host.knex('annex_extension_storage').where({ extension }).select('key', 'value'));
}
async function storageKey(t: TestHost, extension: string, key: string): Promise<unknown> {
  const row = await t.host.knex('annex_extension_storage').where({ extension, key }).first();
  return row ? JSON.parse(row.value) : undefined;
}
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await sleep(25);
    v = await read();
  }
  return v;
}

const LEAKY_HOOK = `import { storage } from 'directus:api';
export default ({ filter, action }) => {
  // Granted posts read: widen every posts query to the related author, then keep what the read event carries.
  filter('posts.items.query', (query) => (JSON.stringify(query.fields) === '["id"]' ? query : { ...query, fields: ['*', 'author.*'] }));
  action('posts.items.read', async (meta) => { await storage.set('seen', meta.payload); });
  // Granted posts create: turn a caller's plain create into a nested write on the related author.
  filter('posts.items.create', (payload) => {
    // Control: a plain field of its own collection is the hook's to change.
    if (payload.title === 'mark') return { ...payload, title: 'marked-by-hook' };
    const m = /^hijack:(\\d+)$/.exec(String(payload.title));
    return m ? { ...payload, author: { id: Number(m[1]), secret: 'pwned-by-hook' } } : payload;
  });
  // Control: the hook hears the events it is granted.
  action('posts.items.create', async (meta) => { await storage.set('created', meta.key); });
};
`;

const OP_SHADOW = `import { storage } from 'directus:api';
export default {
  id: 'condition',
  handler: async (options, { data }) => { await storage.set('stolen', { options, trigger: data.$trigger }); return null; },
};
`;

const TOKEN_HOLDER = `import { items, storage, sleep } from 'directus:api';
let kept = null;
const read = async (accountability) => {
  try { return { ok: (await items('posts', { accountability }).readByQuery({ fields: ['id'] })).length }; } catch (e) { return { code: e.code }; }
};
export default (router) => {
  router.post('/hold', async (req) => { kept = req.accountability; await storage.set('tok', req.accountability.token); await sleep(Number(req.body.ms)); return 'held'; });
  router.get('/replay', () => read(kept));
  router.get('/forged', () => read({ ...kept, token: 'x'.repeat(24) }));
  router.get('/arm', () => { setTimeout(async () => { await storage.set('timer', await read(kept)); }, 200); return 'armed'; });
};
`;

const TOKEN_THIEF = `import { items } from 'directus:api';
export default (router) => {
  router.post('/use', async (req) => {
    try { return { ok: (await items('posts', { accountability: { user: null, role: null, admin: true, token: req.body.token } }).readByQuery({ fields: ['id'] })).length }; } catch (e) { return { code: e.code }; }
  });
};
`;

const REVOCABLE = `import { storage } from 'directus:api';
export default (router) => { router.get('/', async () => { try { await storage.set('k', 1); return { ok: true }; } catch (e) { return { code: e.code }; } }); };
`;

const QUARANTINE_ME = `import { storage } from 'directus:api';
let n = 0;
setInterval(() => { n++; storage.set('tick', n).catch(() => {}); }, 50);
export default (router) => {
  router.get('/spin', () => { for (;;) {} });
  router.get('/', () => 'ok');
};
`;

const HOARDER = `import { storage } from 'directus:api';
export default (router) => {
  router.post('/wide', async () => { try { await storage.set('wide', '\\u20ac'.repeat(1000000)); return { stored: true }; } catch (e) { return { code: e.code }; } });
  router.post('/fill', async (req) => {
    let n = 0;
    try { for (; n < req.body.n; n++) await storage.set('k' + n, 'x'.repeat(1000000)); } catch (e) { return { n, code: e.code }; }
    return { n };
  });
};
`;

const ENV_PROBE = `import { env, log } from 'directus:api';
export default (router, context) => {
  router.get('/', () => {
    const out = {};
    for (const name of ['SECRET', 'secret', 'DB_FILENAME', '__proto__', 'constructor', 'toString']) {
      try { out[name] = String(env(name)); } catch (e) { out[name] = e.code; }
    }
    out.context = Object.entries(context.env ?? {}).map(([k, v]) => k + '=' + String(v));
    return out;
  });
  router.post('/log', (req) => { log(req.body.line); console.error(req.body.line); return 'logged'; });
};
`;

const WAITING = `import { storage } from 'directus:api';
setInterval(() => { storage.set('interval', Date.now()).catch(() => {}); }, 50);
export default ({ init, schedule }) => {
  init('app.after', async () => { await storage.set('init', true); });
  schedule('* * * * * *', async () => { await storage.set('schedule', Date.now()); });
};
`;

describe('sandbox boundary, round two', () => {
  let t: TestHost;
  let dir: string;
  let author: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-boundary2-'));
    const root = path.join(dir, 'ext');
    const exts = [
      writeSandboxed(root, 'leaky-hook', 'hook', { items: { posts: ['read', 'create'] }, storage: {} }, LEAKY_HOOK),
      writeSandboxed(root, 'op-shadow', 'operation', { storage: {} }, OP_SHADOW),
      writeSandboxed(
        root,
        'token-holder',
        'endpoint',
        { items: { posts: ['read'] }, storage: {}, sleep: {} },
        TOKEN_HOLDER,
      ),
      writeSandboxed(root, 'token-thief', 'endpoint', { items: { posts: ['read'] } }, TOKEN_THIEF),
      writeSandboxed(root, 'revocable', 'endpoint', { storage: {} }, REVOCABLE),
      writeSandboxed(root, 'quarantine-me', 'endpoint', { storage: {} }, QUARANTINE_ME),
      writeSandboxed(root, 'hoarder', 'endpoint', { storage: {} }, HOARDER),
      writeSandboxed(root, 'ticker', 'endpoint', { storage: {} }, QUARANTINE_ME),
      writeSandboxed(root, 'env-probe', 'endpoint', { env: ['SECRET', 'DB_FILENAME'], log: {} }, ENV_PROBE),
    ];
    // A short CPU budget so five runaway calls (the fault limit) take a second, not five.
    t = await startHost({ extensions: exts, env: { EXTENSIONS_SANDBOX_TIMEOUT: '250' } });
    await createCollection(t, 'authors', { name: 'string', secret: 'string' });
    await createCollection(t, 'posts', {
      title: 'string',
      author: { type: 'integer', related_collection: 'authors' } as any,
    });
    author = (await t.api('POST', '/items/authors', { name: 'Ana', secret: 'ana-secret' })).body.data.id;
    await t.api('POST', '/items/posts', { title: 'p1', author });
    // op-shadow registers the built-in operation id "condition": refused at activation is the defence (checked below).
    for (const ext of [
      'leaky-hook',
      'token-holder',
      'token-thief',
      'revocable',
      'quarantine-me',
      'hoarder',
      'ticker',
      'env-probe',
    ]) {
      expect((await t.api('GET', `/extensions/${ext}/status`)).body.data.state, ext).toBe('active');
    }
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('hooks and the items scope across relations', () => {
    it('the posts events it hears are an explicit grant: listed (the local policy granted them at load), and gone once revoked', async () => {
      // Listening is the `events` scope (Directus semantics: payload and meta as the event carries
      // them); the items scope is data access through directus:api only.
      const status = (await t.api('GET', '/extensions/leaky-hook/status')).body.data;
      expect([...status.granted_scopes.events].sort()).toEqual([
        'posts.items.create',
        'posts.items.query',
        'posts.items.read',
      ]);
    });

    it("a hook granted only posts cannot rewrite a caller's create into a nested write on authors", async () => {
      // Control: the filter runs and may rewrite its own collection's plain fields.
      const marked = await t.api('POST', '/items/posts', { title: 'mark' });
      expect({ status: marked.status, title: marked.body.data?.title }).toEqual({
        status: 200,
        title: 'marked-by-hook',
      });
      const res = await t.api('POST', '/items/posts', { title: `hijack:${author}` });
      const secret = (await t.api('GET', `/items/authors/${author}?fields=secret`)).body.data.secret;
      expect({ secret, status: res.status, code: res.body?.errors?.[0]?.extensions?.code }).toEqual({
        secret: 'ana-secret',
        status: 403,
        code: 'FORBIDDEN',
      });
    });
    it('once the administrator revokes its grant, the hook hears no read event (and a reload does not undo the revoke)', async () => {
      expect((await t.api('POST', '/extensions/leaky-hook/revoke', {})).status).toBe(200);
      await t.host.knex('annex_extension_storage').where({ key: 'seen' }).delete();
      await t.host.kernel.extensions.reload('local:leaky-hook');
      expect((await t.api('GET', '/extensions/leaky-hook/status')).body.data.state).toBe('pending');
      expect((await t.api('GET', '/items/posts')).status).toBe(200);
      await sleep(200);
      expect(await storageKey(t, 'leaky-hook', 'seen')).toBeUndefined();
    });
  });

  describe('operations', () => {
    it("a sandboxed operation granted nothing does not replace the built-in 'condition' operation of every flow", async () => {
      const flow = (
        await t.api('POST', '/flows', {
          name: 'gate',
          status: 'active',
          trigger: 'webhook',
          options: { method: 'POST' },
        })
      ).body.data;
      const op = (
        await t.api('POST', '/operations', {
          flow: flow.id,
          key: 'check',
          type: 'condition',
          options: { filter: { $trigger: { body: { pass: { _eq: true } } } } },
        })
      ).body.data;
      await t.api('PATCH', `/flows/${flow.id}`, { operation: op.id });
      await t.host.kernel.flows.reload();
      const res = await t.api('POST', `/flows/trigger/${flow.id}`, { pass: false, card: '4111-1111' }, null);
      const shadow = (await t.api('GET', '/extensions/op-shadow/status')).body.data;
      // Refused at activation: the built-in keeps the id.
      expect({ state: shadow.state, code: shadow.last_error?.code }).toEqual({
        state: 'failed',
        code: 'HOST_DUPLICATE_ID',
      });
      expect({
        owner: t.host.kernel.operations.get('condition')?.owner,
        status: res.status,
        stolen: (await storageOf(t, 'op-shadow')).includes('4111-1111'),
      }).toEqual({ owner: expect.not.stringContaining('op-shadow'), status: 422, stolen: false });
    });
  });

  describe('call tokens', () => {
    it("an admin call's token cannot be replayed after the call ended: not from a later anonymous call, not from a timer", async () => {
      expect((await t.api('POST', '/token-holder/hold', { ms: 0 })).body).toBe('held');
      expect((await t.api('GET', '/token-holder/replay', undefined, null)).body).toEqual({ code: 'FORBIDDEN' });
      expect((await t.api('GET', '/token-holder/arm', undefined, null)).body).toBe('armed');
      expect(
        await until(
          () => storageKey(t, 'token-holder', 'timer'),
          (v) => v !== undefined,
        ),
      ).toEqual({ code: 'FORBIDDEN' });
    });

    it("an admin call's token, while the call is still in flight, does not work in another extension's isolate; a guessed token never does", async () => {
      await t.host.knex('annex_extension_storage').where({ extension: 'token-holder', key: 'tok' }).delete();
      const hold = t.api('POST', '/token-holder/hold', { ms: 1500 });
      const token = await until(
        () => storageKey(t, 'token-holder', 'tok'),
        (v) => typeof v === 'string',
      );
      // Control: in flight, the extension that received it may use it (from an anonymous call, by design).
      expect((await t.api('GET', '/token-holder/replay', undefined, null)).body).toEqual({ ok: expect.any(Number) });
      expect((await t.api('POST', '/token-thief/use', { token }, null)).body).toEqual({ code: 'FORBIDDEN' });
      expect((await t.api('GET', '/token-holder/forged', undefined, null)).body).toEqual({ code: 'FORBIDDEN' });
      expect((await hold).body).toBe('held');
    });
  });

  describe('grants and lifecycle', () => {
    it('a revoke under EXTENSIONS_SANDBOX_GRANT=local is not silently undone by the next reload of the extension', async () => {
      expect((await t.api('GET', '/revocable', undefined, null)).body).toEqual({ ok: true });
      expect((await t.api('POST', '/extensions/revocable/revoke', {})).status).toBe(200);
      expect((await t.api('GET', '/revocable', undefined, null)).body).toEqual({ code: 'FORBIDDEN' });
      // A routine reload (also: a restart, the file watcher, any rescan) re-reads the manifest.
      expect((await t.api('POST', '/extensions/revocable/reload', {})).status).toBe(200);
      const status = (await t.api('GET', '/extensions/revocable/status')).body.data;
      const after = (await t.api('GET', '/revocable', undefined, null)).body;
      expect({ granted: status.granted_scopes, after }).toEqual({ granted: {}, after: { code: 'FORBIDDEN' } });
    });

    it("a quarantined extension's background timers stop using its capabilities", async () => {
      for (let i = 0; i < 6; i++) await t.api('GET', '/quarantine-me/spin', undefined, null);
      const state = await until(
        async () => (await t.api('GET', '/extensions/quarantine-me/status')).body.data.state,
        (s) => s === 'quarantined',
      );
      expect(state).toBe('quarantined');
      expect((await t.api('GET', '/quarantine-me', undefined, null)).status).not.toBe(200);
      await sleep(300);
      const before = await storageKey(t, 'quarantine-me', 'tick');
      await sleep(800);
      const after = await storageKey(t, 'quarantine-me', 'tick');
      expect({ state, ticksWhileQuarantined: Number(after) - Number(before) }).toEqual({
        state: 'quarantined',
        ticksWhileQuarantined: 0,
      });
    });
  });

  it("after revoke and after disable, an extension's background timers no longer reach its capabilities (regression)", async () => {
    const ticks = () => storageKey(t, 'ticker', 'tick');
    const first = await until(ticks, (v) => Number(v) > 0);
    expect(await until(ticks, (v) => v !== first)).not.toBe(first);
    expect((await t.api('POST', '/extensions/ticker/revoke', {})).status).toBe(200);
    await sleep(150);
    const revoked = await ticks();
    await sleep(500);
    expect(await ticks()).toBe(revoked);
    await t.api('POST', '/extensions/ticker/grant', {});
    expect(await until(ticks, (v) => v !== revoked)).not.toBe(revoked);
    const row = (await t.api('GET', '/extensions')).body.data.find((e: any) => e.annex?.name === 'ticker');
    expect((await t.api('PATCH', `/extensions/${row.id}`, { meta: { enabled: false } })).status).toBe(200);
    await sleep(150);
    const disabled = await ticks();
    await sleep(500);
    expect(await ticks()).toBe(disabled);
  });

  it('env: names granted but not allow-listed, case variants and prototype names give nothing (regression)', async () => {
    const body = (await t.api('GET', '/env-probe', undefined, null)).body;
    // Granted names that are not on EXTENSIONS_SANDBOX_ENV_ALLOW read as undefined; nothing else is readable.
    expect(body).toEqual({
      SECRET: 'undefined',
      secret: 'FORBIDDEN',
      DB_FILENAME: 'undefined',
      __proto__: 'FORBIDDEN',
      constructor: 'FORBIDDEN',
      toString: 'FORBIDDEN',
      context: ['SECRET=undefined', 'DB_FILENAME=undefined'],
    });
    expect(JSON.stringify(body)).not.toMatch(/test-secret|annex\.db/);
  });

  it("log: newlines and JSON fragments in a message cannot forge log records or another extension's fields (regression)", async () => {
    const { pino } = await import('pino');
    const lines: string[] = [];
    const logger = t.host.kernel.logger as any;
    const child = logger.child;
    logger.child = (bindings: object) =>
      pino({ base: undefined }, { write: (l: string) => void lines.push(l) }).child(bindings);
    try {
      const forged =
        'x"}\n{"level":60,"extension":"revocable","msg":"forged"}\r\n{"level":60,"msg":"forged","extension":"revocable';
      expect((await t.api('POST', '/env-probe/log', { line: forged }, null)).body).toBe('logged');
      await until(
        async () => lines.length,
        (n) => n >= 2,
      );
    } finally {
      logger.child = child;
    }
    const records = lines
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const r of records)
      expect({ extension: r.extension, level: r.level <= 50 }).toEqual({ extension: 'env-probe', level: true });
  });

  describe('storage', () => {
    it('the 1 MB storage value limit counts bytes, not UTF-16 units (a million euro signs is 3 MB)', async () => {
      const res = (await t.api('POST', '/hoarder/wide', {}, null)).body;
      const row = await t.host.knex('annex_extension_storage').where({ extension: 'hoarder', key: 'wide' }).first();
      const bytes = row ? Buffer.byteLength(row.value) : 0;
      expect({ res, bytes: bytes <= 1024 * 1024 ? 'within 1 MB' : `${bytes} bytes stored` }).toEqual({
        res: { code: 'INVALID_PAYLOAD' },
        bytes: 'within 1 MB',
      });
    });

    it('one extension cannot fill the disk through storage (64 values of 1 MB under distinct keys)', async () => {
      const res = (await t.api('POST', '/hoarder/fill', { n: 64 }, null)).body;
      const [{ bytes }] = await t.host
        .knex('annex_extension_storage')
        .where({ extension: 'hoarder' })
        .select(t.host.knex.raw('sum(length(value)) as bytes'));
      await t.host.knex('annex_extension_storage').where({ extension: 'hoarder' }).delete();
      // 16 values of 1 000 002 bytes (JSON) fit in the 16 MiB quota; the 17th is refused.
      expect({ res, stored: `${Math.round(Number(bytes) / 1e6)} MB` }).toEqual({
        res: { n: 16, code: 'INVALID_PAYLOAD' },
        stored: '16 MB',
      });
    });
  });
});

describe('EXTENSIONS_SANDBOX_GRANT=none: a pending extension runs nothing before its grant (regression)', () => {
  it('no top-level timer, init or schedule of a pending extension reaches a capability; after the grant they do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-boundary2-none-'));
    const t = await startHost({
      extensions: [writeSandboxed(dir, 'waiting', 'hook', { storage: {} }, WAITING)],
      env: { EXTENSIONS_SANDBOX_GRANT: 'none' },
    });
    try {
      expect((await t.api('GET', '/extensions/waiting/status')).body.data.state).toBe('pending');
      await sleep(1300);
      expect(await storageOf(t, 'waiting')).toBe('[]');
      await t.api('POST', '/extensions/waiting/grant', {});
      expect(
        await until(
          () => storageOf(t, 'waiting'),
          (s) => s.includes('interval'),
        ),
      ).toContain('interval');
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
