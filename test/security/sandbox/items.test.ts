import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from './harness.js';

const VIEWER = { user: 'u-viewer', role: 'viewer', admin: false };

/** Items access beyond the granted scope or beyond the acting user's role. */
describe('sandbox attacks: items scope and accountability', () => {
  let arena: Arena;
  const scopes = { grantedScopes: { items: { articles: ['read' as const, 'create' as const] }, storage: {} } };
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  const code = async (body: string, accountability: typeof VIEWER | null = null) =>
    (
      await arena.run(
        `try { await (async () => { ${body} })(); return 'allowed'; } catch (e) { return e.code; }`,
        scopes,
        accountability,
      )
    ).body;

  it('a collection that was not granted', async () =>
    expect(await code(`await api.items('directus_users').readByQuery({})`)).toBe('FORBIDDEN'));
  it('an action that was not granted (delete)', async () =>
    expect(await code(`await api.items('articles').deleteOne(1)`)).toBe('FORBIDDEN'));
  it('an action that was not granted (update)', async () =>
    expect(await code(`await api.items('articles').updateOne(1, { title: 'x' })`)).toBe('FORBIDDEN'));
  it('a collection name with path tricks', async () =>
    expect(await code(`await api.items('../directus_users').readByQuery({})`)).toBe('INVALID_PAYLOAD'));
  it('a prototype-named collection', async () =>
    expect(await code(`await api.items('__proto__').readByQuery({})`)).toBe('FORBIDDEN'));

  it('beyond the acting user’s role: the host refuses and its FORBIDDEN crosses intact', async () => {
    const inst = await arena.engine.load(
      spec(
        `import { items } from 'directus:api'; export default (r) => { r.post('/', async (req) => { try { await items('articles', req).createOne({ title: 'x' }); return 'allowed'; } catch (e) { return [e.code, e.status]; } }); };`,
        scopes,
      ),
    );
    expect(await inst.call(0, [{}], VIEWER)).toEqual({ status: 200, body: ['FORBIDDEN', 403] });
    expect(arena.host.itemCalls.at(-1)!.accountability).toBe(VIEWER);
  });

  it('a forged admin accountability is refused instead of acting as anyone', async () => {
    expect(
      await code(
        `await api.items('articles', { accountability: { user: 'admin', role: 'admin', admin: true } }).createOne({})`,
        VIEWER,
      ),
    ).toBe('FORBIDDEN');
  });

  it('a token guessed or copied from another shape is refused', async () => {
    expect(
      await code(`await api.items('articles', { accountability: { token: 'A'.repeat(24) } }).readOne(1)`, VIEWER),
    ).toBe('FORBIDDEN');
  });

  it('a token kept after its call ended is refused', async () => {
    const inst = await arena.engine.load(
      spec(
        `import { items } from 'directus:api'; let kept;
        export default (r) => { r.get('/keep', (req) => { kept = req.accountability; return 1; }); r.get('/use', async () => { try { await items('articles', { accountability: kept }).createOne({}); return 'allowed'; } catch (e) { return e.code; } }); };`,
        scopes,
      ),
    );
    await inst.call(0, [{}], { user: 'u-admin', role: 'admin', admin: true });
    expect(await inst.call(1, [{}], null)).toEqual({ status: 200, body: 'FORBIDDEN' });
  });

  it("another extension's live token is refused", async () => {
    const victim = await arena.engine.load(
      spec(
        `import { storage, sleep } from 'directus:api'; export default (r) => { r.get('/', async (req) => { globalThis.t = req.accountability.token; await sleep(300); return 1; }); r.get('/t', () => globalThis.t); };`,
        { grantedScopes: { sleep: {} } },
      ),
    );
    const running = victim.call(0, [{}], { user: 'u-admin', role: 'admin', admin: true });
    await new Promise((r) => setTimeout(r, 50));
    const token = ((await victim.call(1, [{}])) as { body: string }).body;
    expect(typeof token).toBe('string');
    expect(
      await code(`await api.items('articles', { accountability: { token: ${JSON.stringify(token)} } }).createOne({})`),
    ).toBe('FORBIDDEN');
    await running;
  });

  it('without an accountability the extension acts as itself (null), never as an admin', async () => {
    expect(await code(`await api.items('articles').readByQuery({})`)).toBe('allowed');
    expect(arena.host.itemCalls.at(-1)!.accountability).toBeNull();
  });
});
