import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, prelude, type Arena } from './harness.js';

/**
 * Attempts to reach the host realm (Node's process, require, Function) from extension code.
 * Each attack tries to write a marker file if it gets hold of anything host-side; the test
 * fails if the marker exists or the attack reports 'escaped'.
 */
describe('sandbox attacks: reaching the host realm', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  const contained = async (body: string, extra = {}) => {
    const r = await arena.run(body, extra);
    expect(r).toEqual({ body: 'contained' });
  };

  it('this.constructor.constructor("return process")()', () =>
    contained(`const g = (function () { return this; }).call({}); return harm(g.constructor.constructor);`));

  it('Function("return process") from the global object', () =>
    contained(
      `return harm(Function) === 'escaped' || harm(({}).constructor.constructor('return this')().process) === 'escaped' ? 'escaped' : 'contained';`,
    ));

  it('constructor chain of every directus:api export', () =>
    contained(`for (const v of [api.log, api.sleep, api.request, api.items, api.items('x'), api.items('x').readOne, api.env, api.storage.get, api.emit]) { if (harm(v.constructor.constructor) === 'escaped' || isForeign(v)) return 'escaped'; }
      if (Object.getPrototypeOf(api.default) !== null || Object.isFrozen(api.default) !== true) return 'unexpected api object'; return 'contained';`));

  it('constructor chain of values returned by host capabilities', () =>
    contained(
      `await api.storage.set('k', { nested: [1, { a: 1 }] }); const v = await api.storage.get('k'); const rows = await api.items('articles').readByQuery({});
      for (const o of [v, v.nested, rows, rows[0]]) if (harm(o.constructor.constructor) === 'escaped' || isForeign(o.constructor)) return 'escaped'; return 'contained';`,
      { grantedScopes: { storage: {}, items: { articles: ['read'] } } },
    ));

  it('constructor chain of errors thrown by host capabilities', () =>
    contained(
      `const errs = []; for (const f of [() => api.storage.get('k'), () => api.sleep('x'), () => api.items('nope').readOne(1)]) { try { await f(); } catch (e) { errs.push(e); } }
      try { api.log('x'); } catch (e) { errs.push(e); }
      for (const e of errs) if (harm(e.constructor.constructor) === 'escaped' || isForeign(e.constructor) || Object.getPrototypeOf(e) !== Error.prototype) return 'escaped'; return errs.length === 4 ? 'contained' : 'missing errors';`,
      { grantedScopes: { sleep: {} } },
    ));

  it('constructor chain of host-backed globals (console, URL, crypto, timers, fetch, TextEncoder)', () =>
    contained(`const vals = [console.log, new URL('https://x.org'), new URL('https://x.org').searchParams, crypto.getRandomValues, crypto.randomUUID, setTimeout, fetch, new TextEncoder(), structuredClone, queueMicrotask, process, process.env];
      for (const v of vals) { const c = typeof v === 'function' ? v : v.constructor; if (harm(c.constructor) === 'escaped' || isForeign(c)) return 'escaped'; } return 'contained';`));

  it('a full sweep of everything reachable from globalThis finds no foreign function', () =>
    contained(`const seen = new Set(); const queue = [globalThis]; let foreign = 0;
      while (queue.length && seen.size < 20000) { const o = queue.shift(); if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue; seen.add(o);
        if (isForeign(o)) foreign++;
        for (const k of Reflect.ownKeys(o)) { let d; try { d = Object.getOwnPropertyDescriptor(o, k); } catch (_) { continue; } if (!d) continue; for (const v of [d.value, d.get, d.set]) if (v) queue.push(v); }
        try { queue.push(Object.getPrototypeOf(o)); } catch (_) {} }
      return foreign === 0 && seen.size > 500 ? 'contained' : 'foreign:' + foreign;`));

  it('Error.prepareStackTrace frames expose no host this or function', () =>
    contained(
      `const got = []; Error.prepareStackTrace = (e, frames) => { for (const f of frames) { try { got.push(f.getThis(), f.getFunction()); } catch (_) {} } return 'x'; };
      try { new URL('::bad'); } catch (e) { e.stack; }
      try { await api.sleep('bad'); } catch (e) { e.stack; }
      const err = new Error('x'); err.stack;
      delete Error.prepareStackTrace;
      for (const v of got) if (v && (isForeign(v) || isForeign(v.constructor) || harm(v.constructor && v.constructor.constructor) === 'escaped')) return 'escaped'; return 'contained';`,
      { grantedScopes: { sleep: {} } },
    ));

  it('stack frames captured while the copier runs a sloppy getter expose no host function', () =>
    contained(
      `const got = []; Error.prepareStackTrace = (e, frames) => { for (const f of frames) got.push(f.getFunction(), f.getThis()); return 'x'; };
      const o = {}; Object.defineProperty(o, 'x', { enumerable: true, get: new Function('const e = new Error(); e.stack; return arguments.callee.caller;') });
      try { await api.storage.set('k', o); } catch (_) {}
      try { await api.storage.set('k', () => 1); } catch (e) { e.stack; }
      delete Error.prepareStackTrace;
      const leaked = got.filter((v) => v && v !== o && v !== Object.getOwnPropertyDescriptor(o, 'x').get);
      return leaked.length === 0 && !isForeign(Object.getOwnPropertyDescriptor(o, 'x').get) ? 'contained' : 'leaked:' + leaked.length;`,
      { grantedScopes: { storage: {} } },
    ));

  it('arguments.callee.caller / fn.caller from a sloppy handler cannot reach the glue', () =>
    arena.engine
      .load(
        spec(
          `${prelude(arena.marker.path)}\nexport default (r) => { r.get('/', function handler() { let c; try { c = handler.caller; } catch (e) { c = 'threw'; } let d; try { d = arguments.callee.caller; } catch (e) { d = 'threw'; } return { status: 200, body: [c === null || c === 'threw', d === null || d === 'threw'] }; }); };`,
        ),
      )
      .then((inst) => inst.call(0, [{}]))
      .then((res) => expect(res).toEqual({ status: 200, body: [true, true] })));

  it('a Proxy passed as a capability argument never runs its traps on the host', () =>
    contained(
      `let trapsRanOutside = false; const p = new Proxy({}, { get(t, k) { return typeof k === 'string' && k === 'constructor' ? Function : 1; } });
      try { await api.storage.set('k', p); } catch (e) { return e.code === 'INVALID_PAYLOAD' ? 'contained' : 'unexpected:' + e.code; } return 'escaped';`,
      { grantedScopes: { storage: {} } },
    ));

  it('prototype pollution inside one isolate reaches neither the host nor another extension', async () => {
    const polluter = await arena.run(
      `Object.prototype.polluted = 'yes'; Array.prototype.push = () => 0; JSON.stringify = () => 'hijacked'; return 'done';`,
    );
    expect(polluter.body).toBe('done');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const other = await arena.run(`return [({}).polluted === undefined, JSON.stringify({ a: 1 }), [].push(1)]`);
    expect(other.body).toEqual([true, '{"a":1}', 1]);
  });

  it('subverting Promise.prototype.then in the isolate cannot forge results for another extension', async () => {
    const r = await arena.run(
      `const then = Promise.prototype.then; Promise.prototype.then = function (a, b) { return then.call(this, (v) => a && a({ status: 200, body: 'forged' }), b); }; return 'mine';`,
    );
    // An isolate may forge its own result (its own realm's then runs on its own promise)...
    expect(r).toEqual({ body: 'forged' });
    // ...but not another extension's: its isolate has the untouched Promise.
    const other = await arena.run(`return 'theirs';`);
    expect(other).toEqual({ body: 'theirs' });
  });

  it('the bootstrap hand-off object and internal names are gone after load', () =>
    contained(
      `const names = Object.getOwnPropertyNames(globalThis).filter((n) => /annex|ivm|__/.test(n)); return names.length === 0 && typeof __annex_api__ === 'undefined' ? 'contained' : 'escaped:' + names;`,
    ));

  it('import.meta carries no host resolver', async () => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => ({ status: 200, body: [typeof import.meta.resolve, typeof import.meta.require, Object.keys(import.meta)] })); };`,
      ),
    );
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: ['undefined', 'undefined', []] });
  });

  it('eval and new Function run in the isolate realm only', () =>
    contained(
      `return [eval('harm(Function)'), new Function('return this')() === globalThis ? 'contained' : 'escaped', harm(eval('Function'))].includes('escaped') ? 'escaped' : 'contained';`,
    ));

  it('returned values cannot smuggle functions or host-looking objects out', async () => {
    const inst = await arena.engine.load(
      spec(
        `export default (r) => { r.get('/', () => ({ status: 200, body: { toString() { return 'x'; }, then(ok) { ok('hijack'); } } })); };`,
      ),
    );
    await expect(inst.call(0, [{}])).rejects.toMatchObject({ code: 'RT_RESULT_NOT_CLONEABLE' });
  });
});
