import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNTIME = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const HOST = '{ items() {}, storage() {}, emit() {}, log() {} }';

/** Loads `code` on an inline engine in a fresh node; reports the outcome and whether esbuild was loaded. */
function probe(code: string): { esbuildLoaded: boolean; result: unknown } {
  const script = `
    import { createRequire } from 'node:module';
    const runtime = await import(${JSON.stringify(RUNTIME)});
    const engine = runtime.createSandboxEngine({ kind: 'inline', capabilityHost: ${HOST} });
    let result;
    try {
      const instance = await engine.load({ id: 'probe', version: '1', type: 'endpoint', code: ${JSON.stringify(code)}, filename: 'probe.js', grantedScopes: {}, env: {} });
      result = instance.registrations.routes.length;
    } catch (e) { result = e.code; }
    await engine.close();
    const esbuildLoaded = Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]esbuild[\\\\/]/.test(f));
    console.log(JSON.stringify({ esbuildLoaded, result }));
  `;
  const out = execFileSync(process.execPath, ['--no-node-snapshot', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/*
 * The host and every sandbox worker import the module that scans for `import()`; esbuild's parser
 * (a large module and a service process) loads only for a source that has the token (issue 20: boot).
 */
describe('esbuild loads only for a source with a dynamic import', () => {
  it('loading an extension without `import(` does not load esbuild', () => {
    expect(probe("export default (router) => { router.get('/', () => ({ status: 200, body: 1 })); };")).toEqual({
      esbuildLoaded: false,
      result: 1,
    });
  });

  it('the control: a literal `import()` loads esbuild and is refused at load', () => {
    expect(probe("export default (router) => { router.get('/', () => import('node:fs')); };")).toEqual({
      esbuildLoaded: true,
      result: 'RT_IMPORT_DENIED',
    });
  });
});
