import { describe, expect, it } from 'vitest';
import { createHostExpress } from '../../http/express-bridge.js';
import { createMounts } from '../../http/mounts.js';
import { createExtensionScope } from '../scope.js';
import { API_UNIT_REGISTRARS, getUnitRegistrar } from '../units/registrars.js';
import type { Kernel } from '../../kernel.js';
import type { ExtensionDescriptor, ExtensionUnit } from '../types.js';

describe('extension scope', () => {
  it('disposes what it collected, last first, once, and keeps going past a failing disposer', async () => {
    const scope = createExtensionScope();
    const order: string[] = [];
    scope.defer(() => void order.push('a'));
    scope.defer(() => {
      order.push('b');
      throw Object.assign(new Error('boom'), { code: 'X_BOOM' });
    });
    scope.defer(async () => void order.push('c'));
    expect(scope.size).toBe(3);
    const failures: unknown[] = [];
    await scope.dispose((e) => failures.push(e));
    expect(order).toEqual(['c', 'b', 'a']);
    expect(failures).toMatchObject([{ code: 'X_BOOM' }]);
    await scope.dispose((e) => failures.push(e));
    expect(order).toHaveLength(3);
    expect(scope.size).toBe(0);
  });

  it('counts tracked calls against its generation and reports liveness from it', async () => {
    const scope = createExtensionScope();
    expect(scope.live).toBe(false);
    scope.gen.live = true;
    expect(scope.live).toBe(true);
    await scope.track(() => 1);
    await expect(
      scope.track(() => Promise.reject(Object.assign(new Error('no'), { code: 'X_NO' }))),
    ).rejects.toMatchObject({ code: 'X_NO' });
    expect(scope.gen).toMatchObject({ calls: 2, errors: 1, inFlight: 0, lastError: { code: 'X_NO' } });
  });
});

describe('unit registrars', () => {
  it('has one registrar, trusted and sandboxed, per API unit type', () => {
    expect(Object.keys(API_UNIT_REGISTRARS).sort()).toEqual(['endpoint', 'hook', 'operation']);
    for (const r of Object.values(API_UNIT_REGISTRARS))
      expect([typeof r.trusted, typeof r.sandboxed]).toEqual(['function', 'function']);
    expect(getUnitRegistrar('interface')).toBeUndefined();
    expect(getUnitRegistrar('constructor')).toBeUndefined();
  });

  it('registers a trusted endpoint into the scope: disposing the scope unmounts it', async () => {
    const mounts = createMounts();
    const kernel = { mounts, express: createHostExpress({ trustProxy: false }) } as unknown as Kernel;
    const scope = createExtensionScope();
    const unit = {
      id: 'ext',
      name: 'ext',
      type: 'endpoint',
      entry: {},
      sandboxed: false,
      requestedScopes: {},
    } as ExtensionUnit;
    const desc = { id: 'ext' } as ExtensionDescriptor;
    let received: unknown;
    getUnitRegistrar('endpoint')!.trusted(
      { kernel, scope, desc, unit, context: { marker: 1 } },
      (router: unknown, context: unknown) => {
        received = context;
        expect(typeof (router as { get?: unknown }).get).toBe('function');
      },
    );
    expect(received).toEqual({ marker: 1 });
    expect(mounts.count()).toBe(1);
    await scope.dispose(() => undefined);
    expect(mounts.count()).toBe(0);
  });

  it('refuses a malformed trusted export with HOST_INVALID_EXPORT and registers nothing', () => {
    const mounts = createMounts();
    const scope = createExtensionScope();
    const unit = {
      id: 'ext',
      name: 'ext',
      type: 'endpoint',
      entry: {},
      sandboxed: false,
      requestedScopes: {},
    } as ExtensionUnit;
    const trusted = {
      kernel: { mounts } as unknown as Kernel,
      scope,
      desc: { id: 'ext' } as ExtensionDescriptor,
      unit,
      context: {},
    };
    expect(() => getUnitRegistrar('endpoint')!.trusted(trusted, { id: 42 })).toThrow(
      expect.objectContaining({ code: 'HOST_INVALID_EXPORT' }),
    );
    expect(() => getUnitRegistrar('hook')!.trusted(trusted, {})).toThrow(
      expect.objectContaining({ code: 'HOST_INVALID_EXPORT' }),
    );
    expect(() => getUnitRegistrar('operation')!.trusted(trusted, { id: 'x' })).toThrow(
      expect.objectContaining({ code: 'HOST_INVALID_EXPORT' }),
    );
    expect(scope.size).toBe(0);
  });
});
