import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxEngine, type SandboxEngine, type SandboxInstance } from '@annex/runtime';
import { createHost, spec } from '../sandbox/harness.js';

/**
 * Sizes are checked in the isolate before the worker copies anything out: an oversized result,
 * argument or URL fails with a coded error, and an oversized result is a fault (issue 17, item 7).
 */
describe('oversized values are refused before they are copied out', () => {
  let engine: SandboxEngine;
  const host = createHost();
  let neighbour: SandboxInstance;
  beforeAll(async () => {
    engine = createSandboxEngine({
      kind: 'process',
      workers: 1,
      capabilityHost: host,
      defaults: { cpuTimeoutMs: 3000, wallTimeoutMs: 20_000, memoryMb: 256, maxPayloadBytes: 1024 * 1024 },
    });
    neighbour = await engine.load(spec(`export default (r) => { r.get('/', () => 'pong'); };`));
  });
  afterAll(async () => engine.close());

  const run = async (body: string, extra = {}) => {
    const inst = await engine.load(
      spec(
        `import * as api from 'directus:api';\nexport default (r) => { r.get('/', async () => { ${body} }); };`,
        extra,
      ),
    );
    try {
      return { inst, value: await inst.call(0, [{}]) };
    } catch (err) {
      return { inst, code: (err as { code: string }).code };
    }
  };

  it('a huge string result fails with RT_PAYLOAD_TOO_LARGE and counts as a fault', async () => {
    const r = await run(`return { status: 200, body: 'x'.repeat(64 * 1024 * 1024) };`);
    expect(r.code).toBe('RT_PAYLOAD_TOO_LARGE');
    expect(r.inst.stats().faults).toBe(1);
  });

  it('strings spread over an object result add up the same way', async () => {
    const r = await run(
      `return { status: 200, body: { list: Array.from({ length: 64 }, (_, i) => ({ i, text: 'x'.repeat(64 * 1024) })) } };`,
    );
    expect(r.code).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('a huge argument to a capability or to log is refused in the isolate', async () => {
    const r = await run(
      `const big = 'y'.repeat(32 * 1024 * 1024); const out = []; try { await api.storage.set('k', big); out.push('stored'); } catch (e) { out.push(e.code); } try { api.log(big); out.push('logged'); } catch (e) { out.push(e.code); } return out;`,
      { grantedScopes: { storage: {}, log: {} } },
    );
    expect(r.value).toMatchObject({ body: ['RT_PAYLOAD_TOO_LARGE', 'RT_PAYLOAD_TOO_LARGE'] });
  });

  it('a huge string given to URL is an invalid URL, not a copy', async () => {
    const r = await run(
      `const big = 'http://a.example/' + 'z'.repeat(64 * 1024 * 1024); const out = []; try { new URL(big); out.push('parsed'); } catch (e) { out.push(e.name); } out.push(URL.canParse(big)); return out;`,
    );
    expect(r.value).toMatchObject({ body: ['TypeError', false] });
  });

  it("the worker's other extensions keep answering", async () => {
    expect(await neighbour.call(0, [{}])).toMatchObject({ body: 'pong' });
  });
});
