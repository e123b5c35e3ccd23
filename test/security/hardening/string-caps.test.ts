import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from '../sandbox/harness.js';

const MEMORY_MB = 32;

/** A worker's resident size now and its peak (kB), from /proc (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/**
 * Issue 17 item 7: the builtins that make a string much longer than their input refuse, inside
 * the isolate and before allocating, a string past a quarter of the memory limit
 * (runtime/isolate/85-string-caps.js). Measured before the cap: each attack below grew its
 * worker's resident size by hundreds of MB (then caught after the entry by the peak-memory check,
 * or not at all for the never-flattened ones); now the worker grows by less than the limit.
 */
describe.skipIf(process.platform !== 'linux')(`string caps under a ${MEMORY_MB} MB isolate limit`, () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena({
      workers: 1,
      defaults: { cpuTimeoutMs: 20_000, wallTimeoutMs: 30_000, memoryMb: MEMORY_MB },
    });
  });
  afterAll(() => arena?.close());

  it.each([
    ['repeat', `return 'x'.repeat(500e6).indexOf('y');`],
    ['padEnd', `return 'x'.padEnd(500e6, 'ab').indexOf('z');`],
    ['padStart', `return 'x'.padStart(400e6).indexOf('z');`],
    ['join of holes with a separator', `return new Array(300e6).join('x').indexOf('z');`],
    ['join of long strings', `return Array(100).fill('y'.repeat(5e6)).join('').indexOf('z');`],
    ['concat', `const s = 'x'.repeat(4e6); return s.concat(...Array(100).fill(s)).indexOf('z');`],
    ['replaceAll', `return 'a'.repeat(1e5).replaceAll('a', 'b'.repeat(5000)).indexOf('z');`],
    [
      'the cap error caught by the extension',
      `try { return 'x'.repeat(500e6).indexOf('z'); } catch (e) { return e.code; }`,
    ],
  ])('%s: RT_MEMORY_LIMIT before the allocation, a fault, the worker barely grows', async (_name, body) => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { ${body} }); r.get('/alive', () => ({ status: 200, body: 'alive' })); };`,
      ),
    );
    try {
      const pid = arena.engine.workers()[0]!.pid!;
      const before = memoryOf(pid);
      const code = await inst.call(0, [{}]).then(
        () => 'answered',
        (e: { code: string }) => e.code,
      );
      const after = memoryOf(pid);
      expect(code).toBe('RT_MEMORY_LIMIT');
      expect(inst.stats().faults).toBe(1);
      // Without the cap each of these passed 300 MB; a legitimate entry stays near the limit.
      expect(after.peak - before.rss).toBeLessThan(2 * MEMORY_MB * 1024);
      expect(await inst.call(1, [{}])).toEqual({ status: 200, body: 'alive' });
      await arena.assertStillServing();
    } finally {
      await inst.dispose();
    }
  });

  it('within the cap the builtins answer as before; deleting a wrapper leaves no original behind', async () => {
    const r = await arena.run(`
      const wrapper = String.prototype.repeat;
      delete String.prototype.repeat;
      const left = typeof ''.repeat;
      String.prototype.repeat = wrapper;
      return [
        'ab'.repeat(3), 'x'.padStart(3, '-'), 'x'.padEnd(3), [1, 'a', null, undefined, 2].join('-'),
        'a'.concat('b', 1), 'aXa'.replaceAll('a', 'b'), 'aXa'.replace('a', 'c'), JSON.stringify({ a: [1] }),
        new Uint8Array([1, 2]).join(), String([1, [2, 3]]), 'y'.repeat(1e6).length,
        String.prototype.repeat.name, String.prototype.padStart.length, Array.prototype.join.length, left,
      ];
    `);
    expect(r).toEqual({
      body: [
        'ababab',
        '--x',
        'x  ',
        '1-a---2',
        'ab1',
        'bXb',
        'cXa',
        '{"a":[1]}',
        '1,2',
        '1,2,3',
        1e6,
        'repeat',
        1,
        1,
        'undefined',
      ],
    });
  });
});
