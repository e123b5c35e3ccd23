import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNTIME = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Runs `body` in a fresh node (without --no-node-snapshot) after importing the runtime; prints JSON. */
function probe(body: string, flags: string[] = []): { nativeLoaded: boolean; result?: unknown } {
  const script = `
    import { createRequire } from 'node:module';
    const runtime = await import(${JSON.stringify(RUNTIME)});
    const result = await (async () => { ${body} })();
    const nativeLoaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('isolated_vm') || f.includes('isolated-vm'));
    console.log(JSON.stringify({ nativeLoaded, result }));
  `;
  return JSON.parse(
    execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!,
  );
}

/*
 * A host on the process engine imports @annex/runtime for its request client and error table; it
 * runs no isolate itself, so isolated-vm (a native addon) must not load there (issue 20: boot), nor
 * does the host process then need --no-node-snapshot.
 */
describe('isolated-vm loads only where an isolate runs', () => {
  it('importing the runtime and creating a process engine does not load it', () => {
    expect(
      probe(`
      const engine = runtime.createSandboxEngine({ kind: 'process', capabilityHost: { items() {}, storage() {}, emit() {}, log() {} } });
      await engine.close();
      return typeof runtime.createRequestClient;
    `),
    ).toEqual({ nativeLoaded: false, result: 'function' });
  });

  it('the control: the inline engine loads it on its first load, and runs the code', () => {
    const out = probe(
      `
      const engine = runtime.createSandboxEngine({ kind: 'inline', capabilityHost: { items() {}, storage() {}, emit() {}, log() {} } });
      const instance = await engine.load({ id: 'probe', version: '1', type: 'endpoint', code: "export default (router) => { router.get('/', () => ({ status: 200, body: 41 + 1 })); };", filename: 'probe.js', grantedScopes: {}, env: {} });
      const body = (await instance.call(instance.registrations.routes[0].handler, [{}], null)).body;
      await engine.close();
      return body;
    `,
      ['--no-node-snapshot'],
    );
    expect(out).toEqual({ nativeLoaded: true, result: 42 });
  });

  it('the inline engine still refuses a process without --no-node-snapshot, before loading anything', () => {
    expect(
      probe(`
      try { runtime.createSandboxEngine({ kind: 'inline', capabilityHost: { items() {}, storage() {}, emit() {}, log() {} } }); return 'created'; }
      catch (e) { return e.code; }
    `),
    ).toEqual({ nativeLoaded: false, result: 'RT_INVALID_SPEC' });
  });
});
