import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, route, spec, sleep } from './helpers.js';

describe.each(['inline', 'process'] as const)('sandbox globals (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  beforeAll(() => {
    engine = createTestEngine(kind);
  });
  afterAll(() => engine.close());

  async function evaluate(body: string, scopes = {}): Promise<unknown> {
    const inst = await engine.load(
      spec(route(`return { status: 200, body: await (async () => { ${body} })() };`), { scopes }),
    );
    return ((await inst.call(0, [{}])) as { body: unknown }).body;
  }

  it('exposes exactly the documented extra globals and no Node or isolated-vm handles', async () => {
    const names = (await evaluate(
      `return ['console','setTimeout','clearTimeout','setInterval','clearInterval','queueMicrotask','URL','URLSearchParams','Headers','TextEncoder','TextDecoder','structuredClone','atob','btoa','crypto','fetch','process','require','module','Buffer','global','ivm','__annex_api__','Atomics','SharedArrayBuffer'].map((n) => [n, typeof globalThis[n]])`,
    )) as [string, string][];
    const types = Object.fromEntries(names);
    for (const n of [
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'URL',
      'URLSearchParams',
      'Headers',
      'TextEncoder',
      'TextDecoder',
      'structuredClone',
      'atob',
      'btoa',
      'fetch',
    ])
      expect(types[n], n).toBe('function');
    for (const n of ['console', 'crypto', 'process']) expect(types[n], n).toBe('object');
    for (const n of ['require', 'module', 'Buffer', 'global', 'ivm', '__annex_api__', 'Atomics', 'SharedArrayBuffer'])
      expect(types[n], n).toBe('undefined');
    expect(await evaluate(`return [process.env.NODE_ENV, Object.keys(process.env)]`)).toEqual([
      process.env.NODE_ENV ?? 'production',
      ['NODE_ENV'],
    ]);
  });

  it('console levels reach the extension log without any scope', async () => {
    const inst = await engine.load(
      spec(
        route(
          `console.log('a', 1, { b: [2] }); console.info('%s=%d', 'n', 5); console.debug('d'); console.warn('w'); console.error(new Error('e')); console.trace('t'); return { status: 200, body: 1 };`,
        ),
      ),
    );
    await inst.call(0, [{}]);
    await sleep(30);
    const lines = engine.host.logs().filter((l) => l.ext === inst.id);
    expect(lines.map((l) => [l.level, l.message!.split('\n')[0]])).toEqual([
      ['info', 'a 1 { b: [ 2 ] }'],
      ['info', 'n=5'],
      ['debug', 'd'],
      ['warn', 'w'],
      ['error', 'Error: e'],
      ['debug', 't'],
    ]);
  });

  it('URL and URLSearchParams follow WHATWG parsing', async () => {
    expect(
      await evaluate(`const u = new URL('../b/c?x=1&y=a+b#h', 'https://User:pw@EXAMPLE.com:8080/a/z');
        u.searchParams.append('z', 'ä &');
        const p = new URLSearchParams({ q: 'x y', r: '1' }); p.sort();
        let bad; try { new URL('nope'); } catch (e) { bad = e.name; }
        const v = new URL('http://0x7f.1/%2e%2e/x'); v.pathname = '/p q'; v.hash = 'frag';
        return [u.href, u.host, u.origin, u.searchParams.get('y'), [...u.searchParams.keys()], p.toString(), bad, URL.canParse('https://x'), v.href, JSON.stringify({ u: v })];`),
    ).toEqual([
      'https://User:pw@example.com:8080/b/c?x=1&y=a+b&z=%C3%A4+%26#h',
      'example.com:8080',
      'https://example.com:8080',
      'a b',
      ['x', 'y', 'z'],
      'q=x+y&r=1',
      'TypeError',
      true,
      'http://127.0.0.1/p%20q#frag',
      '{"u":"http://127.0.0.1/p%20q#frag"}',
    ]);
  });

  it('TextEncoder/TextDecoder round-trip UTF-8, including astral characters and invalid input', async () => {
    expect(
      await evaluate(`const s = 'héllo € 𝄞'; const b = new TextEncoder().encode(s);
        let fatal; try { new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])); } catch (e) { fatal = e.name; }
        return [Array.from(b), new TextDecoder().decode(b) === s, new TextDecoder().decode(new Uint8Array([0x61, 0xc3])), fatal];`),
    ).toEqual([
      [104, 195, 169, 108, 108, 111, 32, 226, 130, 172, 32, 240, 157, 132, 158],
      true,
      'a\ufffd',
      'TypeError',
    ]);
    expect(await evaluate(`return [btoa('hi\\u00ff'), atob('aGn/')]`)).toEqual([
      Buffer.from('hi\u00ff', 'latin1').toString('base64'),
      'hi\u00ff',
    ]);
  });

  it('structuredClone copies deeply, keeps cycles and types, refuses functions', async () => {
    expect(
      await evaluate(`const a = { d: new Date(0), m: new Map([[1, { x: 1 }]]), s: new Set([1]), u: new Uint8Array([1, 2]) }; a.self = a;
        const c = structuredClone(a); let f; try { structuredClone({ f() {} }); } catch (e) { f = e.name; }
        return [c !== a, c.self === c, c.d instanceof Date, c.m.get(1).x, c.m.get(1) !== a.m.get(1), c.s.has(1), Array.from(c.u), f];`),
    ).toEqual([true, true, true, 1, true, true, [1, 2], 'DataCloneError']);
  });

  it('crypto.randomUUID and getRandomValues are random and well-formed', async () => {
    const [a, b, bytes, quota] =
      (await evaluate(`let q; try { crypto.getRandomValues(new Uint8Array(70000)); } catch (e) { q = e.code; }
      return [crypto.randomUUID(), crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint32Array(600))), q];`)) as [
        string,
        string,
        number[],
        string,
      ];
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(new Set(bytes).size).toBeGreaterThan(590);
    expect(quota).toBe('QuotaExceededError');
  });

  it('queueMicrotask and timers run; Math/Date/JSON builtins are the isolate’s own', async () => {
    expect(
      await evaluate(
        `const out = []; queueMicrotask(() => out.push('m')); await new Promise((r) => setTimeout(r, 5)); out.push('t'); return [out, typeof Date.now(), JSON.parse('[1]')]`,
      ),
    ).toEqual([['m', 't'], 'number', [1]]);
  });
});
