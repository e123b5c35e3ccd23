import { describe, expect, it } from 'vitest';
import { measurePayload } from '../internal/payload.js';
import { resolveLimits, DEFAULT_SANDBOX_LIMITS } from '../internal/limits.js';
import { createLogLimiter } from '../internal/isolate/log-limiter.js';
import { formatPrometheus } from '../internal/metrics.js';
import { getCapabilityLayout, CAPABILITIES } from '@annex/protocol';
import { API_MODULE_SOURCE } from '../internal/isolate/bootstrap.js';
import type { SandboxStats } from '../types.js';

describe('payload measurement', () => {
  it('sizes values and stops at the limit', () => {
    expect(measurePayload({ a: 'xyz', b: [1, 2] }, 1000)).toMatchObject({ ok: true });
    expect(measurePayload('x'.repeat(2000), 1000)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(measurePayload(new Uint8Array(5000), 1000)).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('tells whether JSON text carries the value exactly', () => {
    expect(measurePayload([{ a: 'x', b: [1, 2.5, true, null], c: { d: {} } }], 1e6)).toMatchObject({
      ok: true,
      json: true,
    });
    expect(measurePayload(Object.assign(Object.create(null), { a: 1 }), 1e6)).toMatchObject({ ok: true, json: true });
    for (const value of [
      { a: undefined },
      [undefined],
      { d: new Date(0) },
      [new Map()],
      [new Set()],
      [new Uint8Array(1)],
      [1n],
      [NaN],
      [Infinity],
      [-0],
      [new (class K {})()],
    ]) {
      expect(measurePayload(value, 1e6)).toMatchObject({ ok: true, json: false });
    }
  });

  it('rejects cycles but allows shared references', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(measurePayload(a, 1e6)).toMatchObject({ ok: false, reason: 'cyclic' });
    const shared = { x: 1 };
    expect(measurePayload({ l: shared, r: shared }, 1e6)).toMatchObject({ ok: true });
  });

  it('rejects functions, symbols and very deep values without recursion', () => {
    expect(measurePayload({ f: () => 1 }, 1e6)).toMatchObject({ ok: false, reason: 'unsupported' });
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(measurePayload(deep, 1e9)).toMatchObject({ ok: false, reason: 'too-deep' });
  });
});

describe('limits', () => {
  it('layers defaults, engine defaults and spec limits', () => {
    expect(resolveLimits({ cpuTimeoutMs: 50 }, { memoryMb: 16 })).toEqual({
      ...DEFAULT_SANDBOX_LIMITS,
      cpuTimeoutMs: 50,
      memoryMb: 16,
    });
  });

  it('rejects unknown and nonsense limits with RT_INVALID_SPEC', () => {
    expect(() => resolveLimits({ memoryMb: 2 })).toThrow(expect.objectContaining({ code: 'RT_INVALID_SPEC' }));
    expect(() => resolveLimits({ cpuTimeoutMs: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'RT_INVALID_SPEC' }),
    );
    expect(() => resolveLimits({ bogus: 1 } as never)).toThrow(expect.objectContaining({ code: 'RT_INVALID_SPEC' }));
  });
});

describe('log limiter', () => {
  it('passes N lines per second, then reports the dropped count once', () => {
    const l = createLogLimiter(3);
    const t = 10_000;
    expect([1, 2, 3, 4, 5].map(() => l.take(t).pass)).toEqual([true, true, true, false, false]);
    expect(l.take(t + 1000)).toEqual({ pass: true, notice: expect.stringContaining('2 log line') });
    expect(l.take(t + 1001).notice).toBeNull();
  });
});

describe('prometheus', () => {
  it('formats one sample per extension and metric, with escaped labels', () => {
    const stats: SandboxStats = {
      calls: 3,
      errors: 1,
      timeouts: 0,
      cpuTimeMs: 1500,
      wallTimeMs: 20,
      heapUsedBytes: 1024,
      inFlight: 0,
      faults: 2,
      quarantined: true,
      lastError: null,
    };
    const text = formatPrometheus({ 'ext-"a"': stats });
    expect(text).toContain('# TYPE annex_sandbox_calls_total counter');
    expect(text).toContain('annex_sandbox_calls_total{extension="ext-\\"a\\""} 3');
    expect(text).toContain('annex_sandbox_cpu_seconds_total{extension="ext-\\"a\\""} 1.5');
    expect(text).toContain('annex_sandbox_quarantined{extension="ext-\\"a\\""} 1');
    expect(text.endsWith('\n')).toBe(true);
  });
});

describe('capability layout', () => {
  it('is the capability table as plain data', () => {
    const layout = getCapabilityLayout();
    expect(layout.map((l) => l.name)).toEqual(CAPABILITIES.map((c) => c.name));
    expect(layout.find((l) => l.name === 'items.readOne')).toEqual({
      name: 'items.readOne',
      mode: 'async',
      scope: 'items',
      factory: 1,
    });
    expect(JSON.parse(JSON.stringify(layout))).toEqual(layout);
  });

  it('derives the directus:api export names from the table', () => {
    const names = [...new Set(CAPABILITIES.map((c) => c.name.split('.')[0]))];
    expect(API_MODULE_SOURCE).toContain(`export const { ${names.join(', ')} } = api;`);
  });
});
