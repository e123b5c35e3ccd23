import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArena, spec, type Arena } from './harness.js';

/** Only `directus:api` / `annex:api` may be imported, statically or dynamically. */
describe('sandbox attacks: module loading', () => {
  let arena: Arena;
  beforeAll(async () => {
    arena = await createArena();
  });
  afterAll(() => arena.close());
  afterEach(() => arena.assertStillServing());

  it.each([
    ['fs', `import fs from 'fs'; export default (r) => {};`],
    ['node:fs', `import { readFileSync } from 'node:fs'; export default (r) => {};`],
    ['node:child_process', `export * from 'node:child_process'; export default (r) => {};`],
    ['./relative.js', `import x from './relative.js'; export default (r) => {};`],
    ['/etc/passwd', `import x from '/etc/passwd'; export default (r) => {};`],
    ['data:text/javascript,export default 1', `import x from 'data:text/javascript,export default 1'; export default (r) => {};`],
    ['https://evil.io/x.js', `import 'https://evil.io/x.js'; export default (r) => {};`],
    ['isolated-vm', `import ivm from 'isolated-vm'; export default (r) => {};`],
    ['directus', `import { defineEndpoint } from 'directus'; export default (r) => {};`],
  ])('static import of %s fails at load with RT_IMPORT_DENIED naming it', async (specifier, code) => {
    const err = await arena.engine.load(spec(code)).then(
      () => null,
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'RT_IMPORT_DENIED', details: expect.objectContaining({ specifier }) });
  });

  it.each([
    ['import("fs")', `await import('fs')`],
    ['import("node:fs")', `await import('node:fs')`],
    ['import of a data: URL', `await import('data:text/javascript,export default 1')`],
    ['import() through eval', `await eval("import('node:child_process')")`],
    ['import() through new Function', `await new Function("return import('fs')")()`],
    ['import("directus:api") at run time', `await import('directus:api')`],
  ])('dynamic %s fails', async (_name, expr) => {
    const r = await arena.run(`try { const m = ${expr}; return harm(m.default || m) === 'escaped' ? 'escaped' : 'imported'; } catch (e) { return 'refused'; }`);
    expect(r.body).toBe('refused');
  });

  it('a CommonJS bundle does not load (the module must be one ES module)', async () => {
    const err = await arena.engine.load(spec(`const fs = require('fs'); module.exports = (router) => {};`)).then(
      () => null,
      (e) => e,
    );
    expect(err?.code).toMatch(/^RT_(LOAD_FAILED|INVALID_EXPORT)$/);
  });
});
