import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArena, type Arena } from './harness.js';

/** Hostile values handed to capabilities: the host must validate one copy and use that copy. */
describe('sandbox attacks: capability arguments', () => {
  let arena: Arena;
  const scopes = { grantedScopes: { storage: {}, items: { articles: ['read' as const] }, sleep: {} } };
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  const lastItemsCall = () => arena.host.itemCalls.at(-1)!;

  it('a getter that returns a valid value first and a hostile one later (TOCTOU) is read exactly once', async () => {
    const r = await arena.run(
      `let reads = 0; const q = { get filter() { reads++; return reads === 1 ? { id: { _eq: 1 } } : { $where: 'drop' }; } };
      await api.items('articles').readByQuery(q); return reads;`,
      scopes,
    );
    expect(r).toEqual({ body: 1 });
    expect(lastItemsCall().args).toEqual(['articles', { filter: { id: { _eq: 1 } } }]);
  });

  it('a getter on the collection name that changes after the scope check is never re-read', async () => {
    const r = await arena.run(
      `let n = 0; const args = ['articles', 1]; Object.defineProperty(args, 0, { get() { return n++ === 0 ? 'articles' : 'users'; }, enumerable: true });
      try { await api.items.readOne(...args); } catch (e) { return e.code; } return n;`,
      scopes,
    );
    expect(r.body).toBe(1);
    expect(lastItemsCall().args[0]).toBe('articles');
  });

  it('a Proxy argument is refused (INVALID_PAYLOAD) and its traps never see the host', async () => {
    const r = await arena.run(
      `const calls = []; const p = new Proxy({ limit: 1 }, { get(t, k) { calls.push(String(k)); return t[k]; }, ownKeys(t) { calls.push('ownKeys'); return Reflect.ownKeys(t); } });
      try { await api.items('articles').readByQuery(p); return 'accepted'; } catch (e) { return e.code; }`,
      scopes,
    );
    expect(r.body).toBe('INVALID_PAYLOAD');
  });

  it('Symbol.toPrimitive on a key is not invoked by the host', async () => {
    const r = await arena.run(
      `let called = 0; const key = { [Symbol.toPrimitive]() { called++; return 1; } };
      try { await api.items('articles').readOne(key); return 'accepted'; } catch (e) { return [e.code, called]; }`,
      scopes,
    );
    expect(r.body).toEqual(['INVALID_PAYLOAD', 0]);
  });

  it('toJSON on an argument is not honoured by the host', async () => {
    const r = await arena.run(
      `try { await api.storage.set('k', { secret: 1, toJSON() { return { secret: 'swapped' }; } }); return 'accepted'; } catch (e) { return e.code; }`,
      scopes,
    );
    expect(r.body).toBe('INVALID_PAYLOAD');
  });

  it('a getter that throws during the copy fails only that call', async () => {
    const r = await arena.run(
      `try { await api.storage.set('k', { get x() { throw new Error('boom'); } }); return 'accepted'; } catch (e) { return e.code; }`,
      scopes,
    );
    expect(r.body).toBe('INVALID_PAYLOAD');
  });

  it('cyclic arguments are refused', async () => {
    const r = await arena.run(
      `const a = { b: {} }; a.b.a = a; try { await api.storage.set('k', a); return 'accepted'; } catch (e) { return e.code; }`,
      scopes,
    );
    expect(r.body).toBe('INVALID_PAYLOAD');
  });

  it('huge arguments are refused before they reach the host', async () => {
    const r = await arena.run(
      `try { await api.storage.set('k', 'x'.repeat(8 * 1024 * 1024)); return 'accepted'; } catch (e) { return e.code; }`,
      { ...scopes, limits: { maxPayloadBytes: 1024 * 1024 } },
    );
    expect(r.body).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('deeply nested arguments are refused without crashing the worker', async () => {
    const r = await arena.run(
      `let v = 1; for (let i = 0; i < 200000; i++) v = [v]; try { await api.storage.set('k', v); return 'accepted'; } catch (e) { return e.code; }`,
      { ...scopes, limits: { cpuTimeoutMs: 5000 } },
    );
    expect(r.body).toBe('INVALID_PAYLOAD');
  });

  it('a sparse array with a huge length is refused by size without exhausting the host', async () => {
    const r = await arena.run(
      `const a = []; a.length = 4294967295; a[5] = 1; try { await api.storage.set('k', a); return 'accepted'; } catch (e) { return e.code; }`,
      scopes,
    );
    expect(r.body).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('wrong types for every capability are refused with INVALID_PAYLOAD', async () => {
    const r = await arena.run(
      `const out = []; for (const f of [() => api.sleep({}), () => api.items(42).readOne(1), () => api.items('articles').readOne(1, 'q'), () => api.storage.get(''), () => api.storage.get('k'.repeat(300))]) { try { await f(); out.push('accepted'); } catch (e) { out.push(e.code); } } return out;`,
      scopes,
    );
    expect(r.body).toEqual([
      'INVALID_PAYLOAD',
      'INVALID_PAYLOAD',
      'INVALID_PAYLOAD',
      'INVALID_PAYLOAD',
      'INVALID_PAYLOAD',
    ]);
  });

  it('a handler result that is a huge object is refused (RT_PAYLOAD_TOO_LARGE), not shipped to the host', async () => {
    const r = await arena.run(`return 'y'.repeat(6 * 1024 * 1024);`, { limits: { maxPayloadBytes: 1024 * 1024 } });
    expect(r.code).toBe('RT_PAYLOAD_TOO_LARGE');
  });
});
