import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';
import { writeEmitter } from '../../helpers/write-extension.js';

/**
 * Event names an extension emits follow one grammar and never fall in a host event family; trusted
 * wildcard listeners hear emitted events only when they ask for them (issue 17, item 2).
 */
describe('extension-emitted events', () => {
  let t: TestHost;
  let dir: string;
  const heard: { pattern: string; event: string }[] = [];
  const offs: (() => void)[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-emit-name-'));
    const ext = writeEmitter(dir, 'crier');
    t = await startHost({ extensions: [ext] });
    // The host's own `response` action (Directus emits one per HTTP request, the test's own calls included)
    // is not what these tests are about: every other event a listener hears is recorded.
    const listen = (pattern: string, options?: { emitted?: boolean }) =>
      offs.push(
        t.host.kernel.emitter.onAction(
          pattern,
          (meta) => {
            if (meta.event !== 'response')
              heard.push({ pattern: options?.emitted ? `${pattern}+emitted` : pattern, event: String(meta.event) });
          },
          'test',
          options,
        ),
      );
    for (const p of ['**', 'items.*', '*.items.*', '*.*', 'crier.*']) listen(p);
    listen('crier.*', { emitted: true });
    listen('crier.done');
  });
  afterAll(async () => {
    for (const off of offs) off();
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cry = async (event: string) => (await t.api('POST', '/crier', { event })).body;
  const settle = () => new Promise((r) => setTimeout(r, 30));

  it('names outside the grammar are refused with a coded error and reach no listener', async () => {
    heard.length = 0;
    const forged = [
      'Items.create',
      'ITEMS.CREATE',
      'items.create ',
      ' items.create',
      'items.create\u200b',
      'items\u00a0create',
      'items.create\n',
      'ıtems.create',
      'crier.*',
      'crier.**',
      'crier..done',
      '.crier',
      'crier.',
      'a'.repeat(200),
      'a.b.c.d.e.f.g.h.i',
    ];
    for (const event of forged) expect(await cry(event), JSON.stringify(event)).toBe('HOST_EVENT_NAME_INVALID');
    await settle();
    expect(heard).toEqual([]);
  });

  it('new verbs in a host family (items, system scopes) are refused', async () => {
    heard.length = 0;
    for (const event of [
      'items.purge',
      'articles.items.purge',
      'items',
      'x.items',
      'users.impersonate',
      'auth.bypass',
      'server.stop',
      'crier.create',
    ])
      expect(await cry(event), event).toBe('FORBIDDEN');
    await settle();
    expect(heard).toEqual([]);
  });

  it('an accepted event reaches exact and opted-in listeners only, never a plain wildcard', async () => {
    heard.length = 0;
    expect(await cry('crier.done')).toBe('emitted');
    await settle();
    expect(heard.map((h) => h.pattern).sort()).toEqual(['crier.*+emitted', 'crier.done']);
  });

  it('host events still reach wildcard listeners', async () => {
    heard.length = 0;
    await t.host.kernel.emitter.emitAction('crier.ready', {});
    expect(heard.map((h) => h.pattern).sort()).toEqual(['**', '*.*', 'crier.*', 'crier.*+emitted']);
  });

  it('removing many listeners costs about what adding them did (no list copy per removal)', () => {
    const emitter = t.host.kernel.emitter;
    const n = 40_000;
    const noop = () => undefined;
    const before = emitter.counts().actions;
    const t0 = performance.now();
    const disposers = Array.from({ length: n }, (_, i) =>
      emitter.onAction(i % 2 ? `flood.${i}.*` : 'flood.one', noop, 'flood'),
    );
    const added = performance.now() - t0;
    const t1 = performance.now();
    for (const off of disposers) off();
    const removed = performance.now() - t1;
    // A copy per removal is quadratic: ~n/2 times the adding cost at this size.
    expect(removed, `added ${added.toFixed(1)} ms, removed ${removed.toFixed(1)} ms`).toBeLessThan(
      Math.max(added, 1) * 10,
    );
    expect(emitter.counts().actions).toBe(before);
  });
});
