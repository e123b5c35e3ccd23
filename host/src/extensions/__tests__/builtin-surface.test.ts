import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../kernel.js';
import { BUILTIN_SURFACE, getBuiltinSurface } from '../builtin-surface.js';
import { createExtensionContext } from '../context.js';
import { createExtensionScope } from '../scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from '../types.js';

const builtins = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../builtins');
const packages = fs.readdirSync(builtins).map((dir) => ({
  dir,
  name: JSON.parse(fs.readFileSync(path.join(builtins, dir, 'package.json'), 'utf8')).name as string,
}));

function stubKernel(extra: Record<string, unknown> = {}): Kernel {
  const emitter = {
    onFilter: () => () => undefined,
    onAction: () => () => undefined,
    onInit: () => () => undefined,
    emitFilter: async () => undefined,
    emitAction: async () => undefined,
    emitInit: async () => undefined,
  };
  return {
    logger: { child: () => ({}) },
    config: { env: {} },
    knex: {},
    schema: { get: async () => ({}) },
    localEmitter: emitter,
    auth: { marker: 'auth' },
    mailer: { marker: 'mail' },
    ...extra,
  } as unknown as Kernel;
}

function contextOf(kernel: Kernel, id: string, source: 'builtin' | 'local') {
  const desc = { id, version: '1.0.0', source } as ExtensionDescriptor;
  const unit = { id, name: id, type: 'endpoint' } as ExtensionUnit;
  return createExtensionContext(kernel, desc, unit, createExtensionScope());
}

describe('built-ins behind a declared surface', () => {
  it('declares services only for built-ins that exist', () => {
    const names = new Set(packages.map((p) => p.name));
    for (const id of Object.keys(BUILTIN_SURFACE)) expect(names, id).toContain(id);
  });

  it('gives a built-in exactly the services its row declares, read live', () => {
    const kernel = stubKernel();
    const context = contextOf(kernel, '@annex/builtin-auth', 'builtin');
    expect(Object.keys(context.kernel as object)).toEqual(['accountLinks', 'auth']);
    expect((context.kernel as { auth: unknown }).auth).toEqual({ marker: 'auth' });
    expect('mailer' in (context.kernel as object)).toBe(false);
    expect(context).not.toHaveProperty('annex');
    // The host attaches some services (extensions, flows) after the kernel object exists.
    const late = stubKernel();
    const surface = getBuiltinSurface(late, '@annex/builtin-flows')!;
    (late as unknown as Record<string, unknown>).flows = { marker: 'flows' };
    expect(surface.flows).toEqual({ marker: 'flows' });
    expect(Object.isFrozen(surface)).toBe(true);
    // Callable services keep their properties (knex is a function with `raw`, `transaction`…).
    const knex = Object.assign(() => 'query', { raw: () => 'raw' });
    const server = getBuiltinSurface(stubKernel({ knex }), '@annex/builtin-server')!;
    expect(server.knex).toBe(knex);
  });

  it('gives nothing to a built-in that asks nothing, and never to a non-built-in', () => {
    const kernel = stubKernel();
    expect(contextOf(kernel, '@annex/builtin-items', 'builtin')).not.toHaveProperty('kernel');
    expect(getBuiltinSurface(kernel, '@annex/builtin-items')).toBeUndefined();
    // A local package that names itself like a built-in gets no kernel service.
    const impostor = contextOf(kernel, '@annex/builtin-auth', 'local');
    expect(impostor).not.toHaveProperty('kernel');
    expect(impostor).not.toHaveProperty('annex');
  });

  it('the table is the only source: no built-in reaches for the whole kernel', () => {
    const offenders: string[] = [];
    for (const { dir } of packages) {
      for (const entry of fs.readdirSync(path.join(builtins, dir), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !/\.(js|mjs|ts)$/.test(entry.name) || entry.parentPath.includes('node_modules'))
          continue;
        const source = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
        if (/\b(context|ctx)\.annex\b/.test(source)) offenders.push(path.join(dir, entry.name));
      }
    }
    expect(offenders).toEqual([]);
  });
});
