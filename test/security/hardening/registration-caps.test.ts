import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxEngine, type SandboxEngine } from '@annex/runtime';
import { createHost, spec } from '../sandbox/harness.js';

/**
 * Handlers, schedules, routes and embeds per extension are capped and configurable; registering
 * past a cap fails with RT_REGISTRATION_LIMIT (issue 17, item 6).
 */
describe('registration caps', () => {
  let engine: SandboxEngine;
  beforeAll(() => {
    engine = createSandboxEngine({
      kind: 'process',
      workers: 1,
      capabilityHost: createHost(),
      defaults: { cpuTimeoutMs: 2000, memoryMb: 64 },
    });
  });
  afterAll(async () => engine.close());

  const loadError = async (code: string, type: 'hook' | 'endpoint', limits = {}) => {
    try {
      await engine.load(spec(code, { type, grantedScopes: { log: {} }, limits }));
      return undefined;
    } catch (err) {
      return err as { code: string; details?: Record<string, unknown> };
    }
  };

  it.each([
    [
      'actions',
      `export default ({ action }) => { for (let i = 0; i < 100000; i++) action('x.y', () => {}); };`,
      'events',
      100,
    ],
    [
      'filters and inits together',
      `export default ({ filter, init }) => { for (let i = 0; i < 60; i++) { filter('items.create', (p) => p); init('app.before', () => {}); } };`,
      'events',
      100,
    ],
    [
      'schedules',
      `export default ({ schedule }) => { for (let i = 0; i < 1000; i++) schedule('* * * * * *', () => {}); };`,
      'schedules',
      10,
    ],
    [
      'embeds',
      `export default ({ embed }) => { for (let i = 0; i < 1000; i++) embed('head', '<meta>'); };`,
      'embeds',
      10,
    ],
  ])('a hook registering too many %s fails to load with RT_REGISTRATION_LIMIT', async (_name, code, kind, limit) => {
    const err = await loadError(code, 'hook');
    expect(err?.code).toBe('RT_REGISTRATION_LIMIT');
    expect(err?.details).toMatchObject({ kind, limit });
  });

  it('an endpoint registering too many routes fails to load', async () => {
    const err = await loadError(
      `export default (router) => { for (let i = 0; i < 5000; i++) router.get('/r' + i, () => i); };`,
      'endpoint',
    );
    expect(err?.code).toBe('RT_REGISTRATION_LIMIT');
  });

  it('catching the error does not get past the cap', async () => {
    const inst = await engine.load(
      spec(
        `export default ({ action }) => { for (let i = 0; i < 5000; i++) { try { action('x.y', () => {}); } catch (e) { if (e.code !== 'RT_REGISTRATION_LIMIT') throw e; } } };`,
        { type: 'hook' },
      ),
    );
    expect(inst.registrations.actions.length).toBe(100);
    await inst.dispose();
  });

  it('caps are configurable per engine or extension', async () => {
    expect(
      await loadError(
        `export default ({ schedule }) => { for (let i = 0; i < 3; i++) schedule('* * * * * *', () => {}); };`,
        'hook',
        { maxSchedules: 2 },
      ),
    ).toMatchObject({ code: 'RT_REGISTRATION_LIMIT' });
    const inst = await engine.load(
      spec(`export default ({ action }) => { for (let i = 0; i < 500; i++) action('x.y', () => {}); };`, {
        type: 'hook',
        limits: { maxEventHandlers: 500 },
      }),
    );
    expect(inst.registrations.actions.length).toBe(500);
    await inst.dispose();
  });
});
