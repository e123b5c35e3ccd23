import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from '../sandbox/harness.js';

/**
 * Strings count toward the isolate's memory limit as far as V8 allows (issue 17, item 7; see
 * runtime/src/internal/isolate/peak-memory.ts and docs/sandbox-limits.md). A rope of 500 million
 * characters costs nothing; flattening it makes V8 allocate it whole, past a 32 MB limit, through
 * isolated-vm's near-heap-limit grace. Measured before the fix: the call answered 200 while its
 * worker's resident size grew past 500 MB. Now that entry is a memory fault.
 */
describe('huge strings under a 32 MB isolate limit', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena({ defaults: { cpuTimeoutMs: 20_000, wallTimeoutMs: 30_000, memoryMb: 32 } });
  });
  afterAll(() => arena?.close());

  it.each([
    ['a repeated one-byte string, flattened', `return 'x'.repeat(500e6).indexOf('y');`],
    ['a two-byte string, flattened', `return '\\u1234'.repeat(250e6).indexOf('y');`],
    [
      'a rope doubled with +, flattened at each step',
      `let s = 'x'.repeat(16); while (s.length < 250e6) { s += s; s.indexOf('y'); } return s.length;`,
    ],
  ])('%s fails with RT_MEMORY_LIMIT, a fault, and the extension recovers', async (_name, body) => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { ${body} }); r.get('/alive', () => ({ status: 200, body: 'alive' })); };`,
      ),
    );
    try {
      const before = arena.engine.workers().map((w) => w.restarts);
      const code = await inst.call(0, [{}]).then(
        () => 'answered',
        (e: { code: string }) => e.code,
      );
      expect(code).toBe('RT_MEMORY_LIMIT');
      expect(inst.stats().faults).toBe(1);
      // Contained in the isolate: re-created, the worker kept (no other extension lost its calls).
      expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'alive' });
      expect(arena.engine.workers().map((w) => w.restarts)).toEqual(before);
      await arena.assertStillServing();
    } finally {
      await inst.dispose();
    }
  });

  it('the same work within the limit is no fault: many short-lived 1 MB strings, a long rope never flattened', async () => {
    // The rope is doubled with `+`: 'x'.repeat(500e6) is now refused before it exists (string-caps.test.ts).
    const r = await arena.run(
      `let n = 0; for (let i = 0; i < 200; i++) n += ('y' + i).repeat(5e5).indexOf('z'); let rope = 'x'.repeat(15); while (rope.length < 500e6) rope += rope; return [n, rope.length];`,
    );
    expect(r).toEqual({ body: [-200, 503316480] });
  });

  it('a second spike after the first is caught as well (the peak is measured afresh)', async () => {
    const body = `return 'x'.repeat(300e6).indexOf('y');`;
    const first = await arena.run(body);
    const second = await arena.run(body);
    expect(first.code).toBe('RT_MEMORY_LIMIT');
    expect(second.code).toBe('RT_MEMORY_LIMIT');
  });
});
