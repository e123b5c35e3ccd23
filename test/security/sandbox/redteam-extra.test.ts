import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxExtensionSpec, SandboxInstance } from '@annex/runtime';
import { attackRoute, createArena, spec, type Arena } from './harness.js';
import { VICTIM_CODE, outcome, eventually, sleep, median, rssMb } from './redteam-helpers.js';

/**
 * Additional red-team attacks on the sandbox runtime. Every test asserts the SAFE outcome: a
 * failing test here is an attack that succeeded.
 */

describe('red team: payload accounting and what reaches the host', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  const load = (body: string, extra: Partial<SandboxExtensionSpec> = {}) =>
    arena.engine.load(spec(attackRoute(body, arena.marker.path), extra));
  // Time budgets far above what these take: isolated-vm's timeouts count wall time, and on a loaded machine
  // a 200 ms budget cuts the work (RT_TIMEOUT) before the size check this file is about.
  const ONE_MB = { maxPayloadBytes: 1024 * 1024, cpuTimeoutMs: 20_000, wallTimeoutMs: 30_000 };

  it('a handler result of BigInts is counted at its real size (not 8 bytes each)', async () => {
    // 8 references to one 1 MB BigInt: 8 MB cross to the host under a 1 MB cap.
    const r = await arena.run(`const b = (1n << 8000000n) - 1n; return Array.from({ length: 8 }, () => b);`, {
      limits: ONE_MB,
    });
    expect(r.code).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('capability arguments made of BigInts are refused beyond maxPayloadBytes before they reach the CapabilityHost', async () => {
    const before = arena.host.itemCalls.length;
    const r = await arena.run(
      `const b = (1n << 8000000n) - 1n; try { await api.items('articles').createOne({ big: Array.from({ length: 8 }, () => b) }); return 'accepted'; } catch (e) { return e.code; }`,
      {
        grantedScopes: { items: { articles: ['create'] } },
        limits: ONE_MB,
      },
    );
    expect(r.body).toBe('RT_PAYLOAD_TOO_LARGE');
    expect(arena.host.itemCalls.length).toBe(before);
  });

  it.each([
    ['Error objects (message is not an own enumerable property)', `new Error(s)`, 'RT_PAYLOAD_TOO_LARGE'],
    ['RegExp objects (source is not a property at all)', `new RegExp(s)`, 'RT_PAYLOAD_TOO_LARGE'],
    ['boxed BigInts', `Object((1n << 8000000n) - 1n)`, 'RT_PAYLOAD_TOO_LARGE'],
  ])('a handler result of %s is counted at its real size', async (_name, make, code) => {
    const r = await arena.run(`const s = 'x'.repeat(1e6); return Array.from({ length: 8 }, () => ${make});`, {
      limits: ONE_MB,
    });
    expect(r.code).toBe(code);
  });

  it('an error record cannot exceed the 4 KiB message / 16 KiB stack truncation by patching String.prototype.slice', async () => {
    const inst = await load(
      `String.prototype.slice = function () { return String(this); }; const e = new Error('m'.repeat(3e6)); e.stack = 's'.repeat(3e6); throw e;`,
      { limits: ONE_MB },
    );
    const r = await outcome(inst);
    await inst.dispose();
    expect(r.code).toBe('RT_EXTENSION_ERROR');
    expect(r.message!.length).toBeLessThanOrEqual(4096);
    expect((r.stack ?? '').length).toBeLessThanOrEqual(16384);
  });

  it('a console line cannot exceed the 8 KiB cap by patching String.prototype.slice', async () => {
    const before = arena.host.logLines.length;
    const r = await arena.run(
      `String.prototype.slice = function () { return String(this); }; console.log('L'.repeat(3e6)); return 'logged';`,
      { limits: { cpuTimeoutMs: 20_000, wallTimeoutMs: 30_000 } },
    );
    expect(r.body).toBe('logged');
    await eventually(() => arena.host.logLines.length > before, 'the log line');
    const longest = Math.max(...arena.host.logLines.slice(before).map((l) => l.message.length));
    expect(longest).toBeLessThanOrEqual(8192 + 32);
  });

  it('an api.log line is capped like a console line (not only by maxPayloadBytes)', async () => {
    const before = arena.host.logLines.length;
    // 100 lines/s of ~4 MB each (the default payload cap) is 400 MB/s into the host's log.
    const r = await arena.run(`api.log('x'.repeat(3e6)); return 'logged';`, { grantedScopes: { log: {} } });
    expect(r.body).toBe('logged');
    await eventually(() => arena.host.logLines.length > before, 'the log line');
    const longest = Math.max(...arena.host.logLines.slice(before).map((l) => l.message.length));
    expect(longest).toBeLessThanOrEqual(8192 + 32);
  });

  it('an error thrown by a host callback does not carry host stack frames or file paths into the isolate', async () => {
    // formatLog returns whatever String.prototype.replace returns; the host then runs String() on the copy and throws.
    const r =
      await arena.run(`String.prototype.replace = function () { return { toString: 1, valueOf: 1, length: 1 }; };
      try { console.log('%s'); return 'no error'; } catch (e) { return String(e && e.stack); }`);
    expect(r.body).not.toMatch(/IsolateSandbox|sandbox\.js|worker\/main\.js|\/runtime\/(dist|src)\/|node:internal/);
  });

  it('a Proxy returned as the handler result is refused (RT_TIMEOUT in its own isolate) without running traps on the host', async () => {
    const r = await arena.run(
      `return new Proxy({ a: 1 }, { get() { while (true) {} }, ownKeys() { while (true) {} } });`,
    );
    // The traps run in the isolate, under its CPU limit, never on the host.
    expect(r.code).toBe('RT_TIMEOUT');
  });

  it('a result Map with a million entries is refused by size', async () => {
    const r = await arena.run(`const m = new Map(); for (let i = 0; i < 1e6; i++) m.set(i, i); return m;`, {
      limits: { maxPayloadBytes: 1024 * 1024, cpuTimeoutMs: 3000, memoryMb: 128 },
    });
    expect(r.code).toBe('RT_PAYLOAD_TOO_LARGE');
  });

  it('a JSON body whose toJSON recurses forever fails as a coded error, not a crash', async () => {
    const inst = await load(`const o = { toJSON() { return { o: { toJSON: o.toJSON } }; } }; return o;`, {
      limits: ONE_MB,
    });
    const r = await inst.call(0, [{}], null, { jsonBody: true }).then(
      () => 'ok',
      (e) => e.code,
    );
    await inst.dispose();
    expect(r).toBe('RT_RESULT_NOT_CLONEABLE');
  });

  it('console.log of Proxies and throwing getters is contained', async () => {
    const r =
      await arena.run(`const p = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
      console.log(p, { get x() { throw new Error('getter'); } }); console.log('%o %j', p, { get y() { throw 1; } }); return 'ok';`);
    expect(r.body).toBe('ok');
  });

  it('a getter that re-enters the bridge while its own arguments are being copied stays bounded (RT_BUSY)', async () => {
    const r = await arena.run(
      `const o = { get x() { api.storage.set('k', o).catch(() => {}); return 1; } }; try { await api.storage.set('k', o); return 'ok'; } catch (e) { return e.code; }`,
      { grantedScopes: { storage: {} } },
    );
    expect(r.body).toBe('RT_BUSY');
  });
});

describe('red team: memory and threads', () => {
  let arena: Arena;
  let other: number;
  beforeAll(async () => {
    arena = await createArena();
    other = ((arena.healthy.worker ?? 0) + 1) % 2;
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  it.each([
    [
      'WebAssembly.Memory.grow',
      `const m = new WebAssembly.Memory({ initial: 1, maximum: 65536 }); m.grow(4095); const buf = m.buffer; globalThis.keep = m;`,
      'ReferenceError',
    ],
    [
      'a resizable ArrayBuffer',
      `const buf = new ArrayBuffer(0, { maxByteLength: 2 ** 30 }); buf.resize(2 ** 28); globalThis.keep = buf;`,
      'RangeError',
    ],
    [
      'ArrayBuffer.prototype.transfer (or a plain ArrayBuffer)',
      `const small = new ArrayBuffer(8); const buf = small.transfer ? small.transfer(2 ** 28) : new ArrayBuffer(2 ** 28); globalThis.keep = buf;`,
      'RangeError',
    ],
  ])('%s cannot allocate 256 MB past a 16 MB memory limit', async (_name, alloc, refusal) => {
    const inst = await arena.engine.load(
      spec(
        attackRoute(
          `try { ${alloc} new Uint8Array(buf).fill(7); return buf.byteLength; } catch (e) { return e.name; }`,
          arena.marker.path,
        ),
        { worker: other, limits: { memoryMb: 16, cpuTimeoutMs: 3000 } },
      ),
    );
    const pid = arena.engine.workers()[other]!.pid;
    const rssBefore = rssMb(pid);
    const r = await outcome(inst);
    const rssAfter = rssMb(pid);
    await inst.dispose();
    // Refused by the limit, or not offered at all (WebAssembly and ArrayBuffer.prototype.resize are removed): each its own way.
    const verdict =
      r.code ??
      (typeof r.body === 'string'
        ? r.body
        : `allocated ${JSON.stringify(r.body)} bytes; worker RSS ${rssBefore} -> ${rssAfter} MB`);
    expect(verdict).toBe(refusal);
  });

  it('a wasm memory.atomic.wait32 on recovered shared memory cannot park the worker past the CPU limit', async () => {
    // SharedArrayBuffer is deleted from the global, but WebAssembly shared memory handed it back; WebAssembly is gone too now.
    // (module (memory 1 1 shared) (func (export "w") (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))
    const WAIT =
      '[0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,5,4,1,3,1,1,7,5,1,1,119,0,0,10,15,1,13,0,65,0,65,0,66,127,254,1,2,0,26,11]';
    // Baseline: the same load-and-call of a route that throws at once, measured here.
    const timed = async (body: string) => {
      const t = performance.now();
      const r = await arena.run(body);
      return { r, ms: performance.now() - t };
    };
    const control = await timed(`try { undefinedName.x(); return 'woke'; } catch (e) { return e.name; }`);
    const attack = await timed(
      `try { new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(${WAIT}))).exports.w(); return 'woke'; } catch (e) { return e.name; }`,
    );
    expect(attack.r).toEqual({ body: 'ReferenceError' });
    // A parked wait would last the whole wall budget (2 s), far beyond a load-and-call.
    expect(
      attack.ms / control.ms,
      `attack ${attack.ms.toFixed(0)} ms, control ${control.ms.toFixed(0)} ms`,
    ).toBeLessThan(10);
    expect(
      (
        await arena.run(
          `return [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, typeof new ArrayBuffer(8).resize];`,
        )
      ).body,
    ).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
  });
});

describe('red team: starving the worker event loop', () => {
  let arena: Arena;
  let other: number;
  let victim: SandboxInstance;
  beforeAll(async () => {
    arena = await createArena();
    other = ((arena.healthy.worker ?? 0) + 1) % 2;
    victim = await arena.engine.load(
      spec(VICTIM_CODE, { id: 'victim-loop', worker: other, grantedScopes: { sleep: {} } }),
    );
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  const victimLatency = async (n: number) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) expect(await victim.call(1, [{}])).toEqual({ status: 200, body: 'ok' });
    return (performance.now() - t) / n;
  };
  /**
   * How long one victim call waits while `n` calls of an attacker, each throwing an error whose stack
   * ends in `tail` (after `prelude` ran), are in flight in the same worker: from just before they
   * start until the victim answers (so a control and an attack are timed alike).
   */
  const stallBeside = async (tail: string, n: number, prelude = '') => {
    const attacker = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => { ${prelude} const e = new Error('Not supported'); e.stack = 'Error: Not supported\\n    at ' + ${tail}; throw e; }); };`,
        { worker: other },
      ),
    );
    try {
      const t = performance.now();
      const calls = Array.from({ length: n }, () => attacker.call(0, [{}]).catch(() => 0));
      await sleep(5);
      expect(await victim.call(1, [{}])).toEqual({ status: 200, body: 'ok' });
      const stalled = performance.now() - t;
      await Promise.all(calls);
      return stalled;
    } finally {
      await attacker.dispose();
    }
  };

  it('1000 cheap zero-delay intervals cannot starve a co-located extension (host-side timer cost is not charged)', async () => {
    /** Victim latency (ms/call) while an extension holding 1000 intervals of `delay` ms lives in the same worker. */
    const latencyBeside = async (delay: number) => {
      const attacker = await arena.engine.load(
        spec(
          `export default (r) => { r.get('/', () => { for (let i = 0; i < 1000; i++) setInterval(() => {}, ${delay}); return 1; }); };`,
          { worker: other },
        ),
      );
      try {
        await attacker.call(0, [{}]);
        await sleep(1500);
        return { ms: await victimLatency(20), faults: attacker.stats().faults, cpu: attacker.stats().cpuTimeMs };
      } finally {
        await attacker.dispose();
      }
    };
    // Control: the same 1000 intervals, but slow enough never to fire while measured.
    const control = await latencyBeside(600_000);
    const during = await latencyBeside(0);
    const verdict =
      during.ms < 10 * control.ms || during.faults > 0
        ? 'contained'
        : `victim ${control.ms.toFixed(1)} -> ${during.ms.toFixed(1)} ms/call; attacker cpu ${during.cpu.toFixed(0)} ms, faults ${during.faults}`;
    expect(verdict).toBe('contained');
  });

  it('an extension-controlled stack cannot make the host-side import check (FRAME regex) block the worker', async () => {
    // Within the 16 KiB stack the bootstrap allows, one call costs the worker ~70 ms of host CPU (quadratic backtracking)
    // while the extension is charged ~1 ms; 30 concurrent calls freeze every extension of the worker.
    // Control: the same stack length without the backtracking pattern, measured the same way.
    const control = await median(3, () => stallBeside(`'x'.repeat(16300)`, 30));
    const stalled = await median(3, () => stallBeside(`'('.repeat(16300)`, 30));
    expect(stalled / control, `victim stalled ${stalled.toFixed(0)} ms, control ${control.toFixed(0)} ms`).toBeLessThan(
      5,
    );
  });

  it('with String.prototype.slice patched, one error stack cannot block the worker for seconds', async () => {
    // Control: the same stack without the patched slice (the truncation holds), measured the same way.
    const control = await median(3, () => stallBeside(`'('.repeat(100000)`, 1));
    const stalled = await median(3, () =>
      stallBeside(`'('.repeat(100000)`, 1, `String.prototype.slice = function () { return String(this); };`),
    );
    expect(stalled / control, `victim stalled ${stalled.toFixed(0)} ms, control ${control.toFixed(0)} ms`).toBeLessThan(
      5,
    );
  });
});
