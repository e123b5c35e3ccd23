import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../../helpers/host.js';

/**
 * Red-team attacks on flows and their operations (webhook/manual/event/operation triggers, the
 * built-in operations, run logs) and on the GraphQL endpoint's resistance to abuse (depth,
 * fragments, aliases, amplification, introspection). Every test fails if its attack succeeds.
 */
type U = { token: string; userId: string; roleId: string };
type Op = { key: string; type: string; options?: object; resolve?: string; reject?: string };
let t: TestHost;
let reader: U; // posts: id,title,author (not secret); authors: read
let internal: http.Server; // stands for a service only reachable from the host (cloud metadata, admin panels…)
let internalUrl = '';
let internalHits = 0;

const code = (res: { body: any }) => res.body?.errors?.[0]?.extensions?.code;
const gql = (query: string, token?: string | null, variables?: unknown) =>
  t.api('POST', '/graphql', { query, variables }, token);
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const s = performance.now();
  const out = await fn();
  return [out, performance.now() - s];
};
/**
 * Milliseconds for a cheap query of `bytes` bytes (the same request size, padded with a comment),
 * the median of three: the baseline a refused or bounded query is compared with, measured in the test.
 */
const baselineMs = async (bytes: number, token: string): Promise<number> => {
  const q = `{ posts(limit: 1) { id } }`;
  const padded = `${q}\n#${'x'.repeat(Math.max(0, bytes - q.length - 2))}`;
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) xs.push((await timed(() => gql(padded, token)))[1]);
  return xs.sort((a, b) => a - b)[1]!;
};

/** Creates an active flow with its chain of operations (as admin, or as `token`). */
async function createFlow(flow: object, operations: Op[], token?: string): Promise<{ id?: string; status: number }> {
  const f = await t.api('POST', '/flows', { status: 'active', accountability: 'all', ...flow }, token);
  if (f.status !== 200) return { status: f.status };
  const ids: Record<string, string> = {};
  for (const op of [...operations].reverse()) {
    const res = await t.api(
      'POST',
      '/operations',
      {
        flow: f.body.data.id,
        key: op.key,
        type: op.type,
        name: op.key,
        options: op.options ?? {},
        resolve: op.resolve ? ids[op.resolve] : null,
        reject: op.reject ? ids[op.reject] : null,
      },
      token,
    );
    if (res.status !== 200) return { id: f.body.data.id, status: res.status };
    ids[op.key] = res.body.data.id;
  }
  const linked = await t.api('PATCH', `/flows/${f.body.data.id}`, { operation: ids[operations[0]!.key] }, token);
  await t.host.kernel.flows.reload();
  return { id: f.body.data.id, status: linked.status };
}

beforeAll(async () => {
  t = await startHost();
  await createCollection(t, 'authors', { name: 'string' });
  await createCollection(t, 'posts', {
    title: 'string',
    secret: 'string',
    author: { type: 'integer', related_collection: 'authors' } as any,
  });
  expect(
    (
      await t.api('POST', '/fields/authors', {
        field: 'posts',
        type: 'alias',
        meta: { special: ['o2m'] },
        related_collection: 'posts',
      })
    ).status,
  ).toBe(200);
  await createCollection(t, 'vault', { code: 'string' });
  await createCollection(t, 'notes', { text: 'string' });
  await t.api('POST', '/items/authors', { name: 'ana' });
  await t.api(
    'POST',
    '/items/posts',
    Array.from({ length: 60 }, (_, i) => ({ title: `p${i}`, secret: `s${i}`, author: 1 })),
  );
  reader = await createUser(t, 'reader', [
    { collection: 'posts', action: 'read', fields: 'id,title,author' },
    { collection: 'authors', action: 'read' },
  ]);
  internal = http.createServer((req, res) => {
    internalHits++;
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${internalUrl}/latest/meta-data/iam` });
      res.end();
      return;
    }
    res.end(JSON.stringify({ secret: 'iam-credentials', url: req.url }));
  });
  await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
  internalUrl = `http://127.0.0.1:${(internal.address() as { port: number }).port}`;
});
afterAll(async () => {
  await t?.close();
  internal?.close();
});

describe('flows: who a flow acts as, and who may change flows', () => {
  it('an anonymous webhook acts as the public role; manual flows need a user and keep its permissions', async () => {
    const pub = await createFlow({ name: 'pub-read', trigger: 'webhook', options: { method: 'GET' } }, [
      { key: 'read', type: 'item-read', options: { collection: 'posts' } },
    ]);
    const anon = await t.api('GET', `/flows/trigger/${pub.id}`, undefined, null);
    expect(anon.status).toBe(422);
    expect(JSON.stringify(anon.body)).not.toContain('s1');
    const manual = await createFlow({ name: 'manual-read', trigger: 'manual', options: { collections: ['posts'] } }, [
      {
        key: 'read',
        type: 'item-read',
        options: { collection: 'posts', permissions: '$trigger', query: { fields: ['secret'] } },
      },
    ]);
    expect((await t.api('POST', `/flows/trigger/${manual.id}`, { collection: 'posts', keys: [1] }, null)).status).toBe(
      403,
    );
    const asReader = await t.api(
      'POST',
      `/flows/trigger/${manual.id}`,
      { collection: 'posts', keys: [1] },
      reader.token,
    );
    expect(asReader.status).toBe(422);
    expect(JSON.stringify(asReader.body)).not.toContain('s0');
    // An inactive or unknown flow, or the wrong method, is not triggerable.
    expect((await t.api('POST', `/flows/trigger/${pub.id}`, {}, null)).status).toBe(403);
    expect((await t.api('GET', '/flows/trigger/00000000-0000-0000-0000-000000000000', undefined, null)).status).toBe(
      403,
    );
  });

  it('flows, operations and run logs are closed to anonymous callers and plain users', async () => {
    const flowReader = await createUser(t, 'flow-reader', [{ collection: 'directus_flows', action: 'read' }]);
    const f = await createFlow({ name: 'quiet', trigger: 'webhook', options: {} }, [
      { key: 'x', type: 'transform', options: { json: 1 } },
    ]);
    for (const tok of [null, reader.token]) {
      expect((await t.api('GET', '/flows', undefined, tok)).status).toBe(403);
      expect((await t.api('GET', '/operations', undefined, tok)).status).toBe(403);
      expect((await t.api('POST', '/flows', { name: 'x', trigger: 'webhook', status: 'active' }, tok)).status).toBe(
        403,
      );
      expect((await t.api('POST', '/operations', { flow: f.id, key: 'y', type: 'log' }, tok)).status).toBe(403);
      expect((await t.api('GET', '/items/annex_flow_runs', undefined, tok)).status).toBe(403);
    }
    for (const tok of [null, reader.token, flowReader.token])
      expect((await t.api('GET', `/flows/${f.id}/runs`, undefined, tok)).status).toBe(403);
  });

  it('a role allowed to edit flows cannot use an operation with permissions "$full" to make itself admin', async () => {
    // The administrator lets a "workflow editor" role build flows; nothing more.
    const editor = await createUser(
      t,
      'flow-editor',
      ['create', 'read', 'update'].flatMap((action) => [
        { collection: 'directus_flows', action },
        { collection: 'directus_operations', action },
      ]),
    );
    const flow = await createFlow(
      { name: 'escalate', trigger: 'webhook', options: { method: 'POST' } },
      [
        {
          key: 'up',
          type: 'item-update',
          options: {
            collection: 'directus_roles',
            permissions: '$full',
            key: editor.roleId,
            payload: { admin_access: true },
          },
        },
      ],
      editor.token,
    );
    const run =
      flow.id && flow.status === 200 ? await t.api('POST', `/flows/trigger/${flow.id}`, {}, editor.token) : null;
    const seen = `flow setup ${flow.status}, trigger ${run?.status}`;
    expect((await t.api('GET', `/roles/${editor.roleId}`)).body.data.admin_access, seen).toBe(false);
    // The editor still sees only their own role (app minimal permissions), and it is not admin.
    expect((await t.api('GET', '/roles?fields=id,admin_access', undefined, editor.token)).body.data).toEqual([
      { id: editor.roleId, admin_access: false },
    ]);
  });
});

describe('flows: operations as attack tools', () => {
  it('the request operation does not reach loopback or internal addresses (SSRF), directly or by redirect', async () => {
    const fetcher = await createFlow({ name: 'link-preview', trigger: 'webhook', options: { method: 'GET' } }, [
      { key: 'get', type: 'request', options: { url: '{{ $trigger.query.url }}', method: 'GET' } },
    ]);
    const port = internalUrl.split(':')[2];
    internalHits = 0;
    const leaked: string[] = [];
    for (const url of [
      `${internalUrl}/latest/meta-data/iam`,
      `http://localhost:${port}/admin`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      `http://2130706433:${port}/decimal`,
      `${internalUrl}/redirect`,
      'file:///etc/passwd',
    ]) {
      const res = await t.api('GET', `/flows/trigger/${fetcher.id}?url=${encodeURIComponent(url)}`, undefined, null);
      if (/iam-credentials|root:/.test(JSON.stringify(res.body))) leaked.push(`${url} → ${res.status}`);
    }
    expect(leaked).toEqual([]);
    expect(internalHits).toBe(0);
  });

  it('a flow calling itself is stopped: one anonymous request cannot run 1000 nested flows and starve the event loop', async () => {
    // "Walk a tree": the flow calls itself on $trigger.rest until there is none. The caller picks the depth.
    const walk = await createFlow({ name: 'walk', trigger: 'operation', options: {} }, [
      {
        key: 'more',
        type: 'condition',
        options: { filter: { $trigger: { rest: { _nnull: true } } } },
        resolve: 'recurse',
        reject: 'done',
      },
      { key: 'recurse', type: 'trigger', options: { flow: 'set-below', payload: '{{ $trigger.rest }}' } },
      { key: 'done', type: 'transform', options: { json: { ok: true } } },
    ]);
    const recurse = (await t.api('GET', `/operations?filter[flow][_eq]=${walk.id}&filter[key][_eq]=recurse`)).body
      .data[0];
    await t.api('PATCH', `/operations/${recurse.id}`, { options: { flow: walk.id, payload: '{{ $trigger.rest }}' } });
    await t.host.kernel.flows.reload();
    const entry = await createFlow({ name: 'walk-hook', trigger: 'webhook', options: { method: 'POST' } }, [
      { key: 'go', type: 'trigger', options: { flow: walk.id, payload: '{{ $trigger.body }}' } },
    ]);
    /** The longest event-loop gap (5 ms probe) while one trigger with `depth` nested levels is answered. */
    const gapDuring = async (depth: number) => {
      let body: object = {};
      for (let i = 0; i < depth; i++) body = { rest: body };
      let maxGap = 0;
      let last = performance.now();
      const probe = setInterval(() => {
        maxGap = Math.max(maxGap, performance.now() - last);
        last = performance.now();
      }, 5);
      const res = await t.api('POST', `/flows/trigger/${entry.id}`, body, null);
      clearInterval(probe);
      return { res, maxGap };
    };
    // Baseline: a walk 8 levels deep (within the chain limit: the same kind of work, each step as long),
    // measured the same way; the larger of two runs, so one quiet moment does not set the bar.
    const control = [await gapDuring(8), await gapDuring(8)].sort((a, b) => b.maxGap - a.maxGap)[0]!;
    await t.host.knex('annex_flow_runs').where({ flow: walk.id }).delete();
    const { res, maxGap } = await gapDuring(1000);
    const runs = Number((await t.host.knex('annex_flow_runs').where({ flow: walk.id }).count({ n: '*' }))[0]!.n);
    const seen = `answered ${res.status} after ${runs} runs of "walk"; event loop blocked for ${maxGap.toFixed(0)} ms (control ${control.maxGap.toFixed(0)} ms)`;
    // Stopped at the chain depth (16 flows: the entry flow and 15 of "walk"), with no longer stall than a short walk.
    expect({ runs, stall: maxGap < 10 * control.maxGap ? 'like the control' : 'blocked' }, seen).toEqual({
      runs: 15,
      stall: 'like the control',
    });
  });

  it('a templated key the caller leaves out does not widen "delete this item" to the whole collection', async () => {
    await t.api('POST', '/items/notes', [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    const del = await createFlow({ name: 'delete-note', trigger: 'webhook', options: { method: 'POST' } }, [
      {
        key: 'remove',
        type: 'item-delete',
        options: { collection: 'notes', permissions: '$full', key: '{{ $trigger.body.id }}' },
      },
    ]);
    const res = await t.api('POST', `/flows/trigger/${del.id}`, {}, null);
    expect(
      (await t.api('GET', '/items/notes')).body.data,
      `anonymous POST {} answered ${res.status} ${JSON.stringify(res.body)}`,
    ).toHaveLength(3);
  });

  it('templates cannot read the environment or prototypes, and Authorization/Cookie never reach $trigger', async () => {
    const echo = await createFlow({ name: 'echo', trigger: 'webhook', options: { method: 'GET', return: '$all' } }, [
      {
        key: 'x',
        type: 'transform',
        options: {
          json: {
            env: '{{ $env }}',
            secret: '{{ $env.SECRET }}',
            proto: '{{ $trigger.constructor.constructor }}',
            p2: '{{ $trigger.__proto__ }}',
            headers: '{{ $trigger.headers }}',
          },
        },
      },
    ]);
    const res = await fetch(`${t.url}/flows/trigger/${echo.id}`, {
      headers: { Authorization: `Bearer ${reader.token}`, Cookie: 'directus_refresh_token=abc123secret' },
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain('test-secret-0123456789');
    expect(text).not.toContain(reader.token);
    expect(text).not.toContain('abc123secret');
    expect(JSON.parse(text).data.x.proto ?? null).toBe(null);
  });

  it("secrets in a trigger (query access_token, a new user's password) are redacted in annex_flow_runs", async () => {
    const victim = await createUser(t, 'victim', []);
    const hook = await createFlow({ name: 'debug-hook', trigger: 'webhook', options: { method: 'GET' } }, [
      { key: 'seen', type: 'transform', options: { json: '{{ $trigger }}' } },
    ]);
    await t.api('GET', `/flows/trigger/${hook.id}?access_token=${victim.token}`, undefined, null);
    const onSignup = await createFlow(
      { name: 'on-signup', trigger: 'event', options: { type: 'filter', scope: ['users.create'] } },
      [{ key: 'seen', type: 'transform', options: { json: '{{ $trigger.payload }}' } }],
    );
    await t.api('POST', '/users', { email: 'new@example.com', password: 'PlainTextPassw0rd!' });
    const logs = JSON.stringify(await t.host.knex('annex_flow_runs').whereIn('flow', [hook.id!, onSignup.id!]));
    expect(logs).toContain('new@example.com');
    expect(logs).not.toContain(victim.token);
    expect(logs).not.toContain('PlainTextPassw0rd!');
  });
});

describe('GraphQL: permissions and schema exposure', () => {
  it('batches are refused; hidden collections and fields are neither suggested, typed nor readable', async () => {
    expect(
      (await t.api('POST', '/graphql', [{ query: '{ posts { id } }' }, { query: '{ posts { id } }' }], reader.token))
        .status,
    ).toBe(400);
    const hidden = await gql('{ vault { code } v: __type(name: "vault") { name } }', reader.token);
    expect(JSON.stringify(hidden.body)).not.toMatch(/Did you mean "vault/);
    const typo = await gql('{ vaul { id } }', reader.token);
    expect(JSON.stringify(typo.body)).not.toContain('vault');
    expect((await gql('{ v: __type(name: "vault") { name } }', reader.token)).body.data.v).toBe(null);
    for (const q of [
      '{ posts { secret } }',
      '{ posts(filter: {secret: {_starts_with: "s1"}}) { id } }',
      '{ posts(sort: ["secret"]) { id } }',
      '{ posts_aggregated(groupBy: ["secret"]) { countAll group } }',
      '{ posts_aggregated { count { secret } } }',
      '{ authors { posts { secret } } }',
    ]) {
      const res = await gql(q, reader.token);
      // Selecting it does not validate (it is not in this role's schema); naming it in arguments is FORBIDDEN.
      expect(['FORBIDDEN', 'GRAPHQL_VALIDATION'], q).toContain(code(res));
      expect(JSON.stringify(res.body), q).not.toMatch(/Did you mean[^"]*secret/);
      expect(JSON.stringify(res.body), q).not.toMatch(/"s\d+"/);
    }
    const anon = await t.api('POST', '/graphql/system', { query: '{ collections }' }, null);
    expect(anon.body.data.collections).toEqual([]);
  });

  it('introspection does not list fields the role may not read (posts.secret)', async () => {
    const res = await gql('{ __type(name: "posts") { fields { name } } }', reader.token);
    const names = res.body.data.__type.fields.map((f: { name: string }) => f.name);
    expect(names).toContain('title');
    expect(names).not.toContain('secret');
  });
});

/** What each bomb gets (exact, so a change of outcome is seen). */
/** The fragments merge into one selection of `title`: answered, at the cost of one field. */
const FRAGMENT_BOMB = { status: 200, code: undefined };
/** Refused by the validator's alias/token limit before anything runs. */
const ALIAS_BOMB = { status: 400, data: null, code: 'GRAPHQL_VALIDATION' };
/** Refused by the item budget (aliases repeat what they select). */
const AMPLIFICATION = { status: 400, code: 'INVALID_QUERY', small: true };

describe('GraphQL: denial of service', () => {
  it('50 levels of posts → author → posts… are refused at once (relation depth)', async () => {
    let inner = 'id';
    for (let i = 0; i < 50; i++) inner = i % 2 ? `author { ${inner} }` : `posts { ${inner} }`;
    const query = `{ posts { ${inner} } }`;
    const base = await baselineMs(query.length, reader.token);
    const [res, ms] = await timed(() => gql(query, reader.token));
    expect(code(res)).toBe('INVALID_QUERY');
    expect(res.body.data).toBe(null);
    expect(ms / base, `${ms.toFixed(0)} ms vs ${base.toFixed(0)} ms`).toBeLessThan(10);
  });

  it('parser and validator abuse is refused quickly: 20000-deep selections, deep filters, 10000 duplicate fields, fragment cycles', async () => {
    for (const q of [
      `{ ${'posts { '.repeat(20000)} }`,
      `{ posts(filter: ${'{_and:['.repeat(3000)}{id:{_eq:1}}${']}'.repeat(3000)}) { id } }`,
      `{ posts { ${'title '.repeat(10000)} } }`,
      '{ posts { ...F } } fragment F on posts { id ...F }',
    ]) {
      const base = await baselineMs(q.length, reader.token);
      // The fastest of three: a refusal's cost is the same each time, while a busy machine only adds.
      const tries = [
        await timed(() => gql(q, reader.token)),
        await timed(() => gql(q, reader.token)),
        await timed(() => gql(q, reader.token)),
      ];
      const [res] = tries[0]!;
      const ms = Math.min(...tries.map(([, m]) => m));
      for (const [r] of tries) expect(r.status, q.slice(0, 40)).toBe(400);
      expect(res.status, q.slice(0, 40)).toBe(400);
      expect(ms / base, `${q.slice(0, 40)}: ${ms.toFixed(0)} ms vs ${base.toFixed(0)} ms`).toBeLessThan(10);
    }
    const deepVar = `{"query":"query($f: JSON) { posts(filter: $f) { id } }","variables":{"f":${'{"_and":['.repeat(5000)}{"id":{"_eq":1}}${']}'.repeat(5000)}}}`;
    const res = await t.api('POST', '/graphql', deepVar, reader.token);
    expect(res.status).toBe(400);
    expect(code(res)).toBe('INVALID_QUERY');
    expect((await gql('{ posts(limit: 1) { id } }', reader.token)).body.data.posts).toHaveLength(1);
  });

  it('fragment bomb: 21 fragments each spreading the previous twice (~1 KB) are answered as one merged field, as fast as a plain query', async () => {
    const fragments = ['fragment F0 on posts { title }'];
    for (let i = 1; i <= 21; i++) fragments.push(`fragment F${i} on posts { ...F${i - 1} ...F${i - 1} }`);
    const query = `{ posts(limit: 1) { ...F21 } } ${fragments.join(' ')}`;
    expect(query.length).toBeLessThan(1500);
    const base = await baselineMs(query.length, reader.token);
    const [res, ms] = await timed(() => gql(query, reader.token));
    expect({ status: res.status, code: code(res) }).toEqual(FRAGMENT_BOMB);
    expect(res.body.data.posts).toEqual([{ title: expect.any(String) }]);
    expect(ms / base, `${ms.toFixed(0)} ms vs ${base.toFixed(0)} ms`).toBeLessThan(10);
  });

  it('alias bomb: 8000 aliases of posts(limit: -1) in one request are refused (token/alias limit) at once', async () => {
    const query = `{ ${Array.from({ length: 8000 }, (_, i) => `a${i}: posts(limit: -1) { id title }`).join(' ')} }`;
    const base = await baselineMs(query.length, reader.token);
    const [res, ms] = await timed(() => gql(query, reader.token));
    expect({ status: res.status, data: res.body.data, code: code(res) }).toEqual(ALIAS_BOMB);
    expect(ms / base, `${ms.toFixed(0)} ms vs ${base.toFixed(0)} ms`).toBeLessThan(10);
  });

  it('amplification: a 250-byte query through posts → author → posts must not build a response of megabytes', async () => {
    const query =
      '{ posts(limit: -1) { author { a: posts { author { c: posts { id title } d: posts { id title } } } b: posts { author { c: posts { id title } d: posts { id title } } } } } }';
    expect(query.length).toBeLessThan(250);
    const base = await baselineMs(query.length, reader.token);
    const [res, ms] = await timed(() => gql(query, reader.token));
    const bytes = JSON.stringify(res.body).length;
    expect({ status: res.status, code: code(res), small: bytes < 5_000_000 }, `${bytes} bytes`).toEqual(AMPLIFICATION);
    expect(ms / base, `${ms.toFixed(0)} ms vs ${base.toFixed(0)} ms`).toBeLessThan(10);
  });
});
