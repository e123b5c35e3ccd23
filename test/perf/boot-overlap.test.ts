import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';

/*
 * Boot starts the first sandbox worker when the load begins, so its start overlaps the activation
 * of the extensions before the first sandboxed one (issue 20). A trusted probe, activated before
 * the sandboxed extension (folders activate in name order), watches this process's children for
 * up to 0.75 s and records the sandbox workers it saw; the host's worker must be among them.
 */
const PROBE = `
import fs from 'node:fs';
function workerChildren() {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      if (ppid === process.pid && fs.readFileSync('/proc/' + name + '/cmdline', 'utf8').includes('worker')) pids.push(Number(name));
    } catch {}
  }
  return pids;
}
export default async () => {
  const probe = { workerPids: workerChildren() };
  globalThis.__annexBootProbe = probe;
  for (let i = 0; i < 30 && !probe.workerPids.length; i++) {
    await new Promise((r) => setTimeout(r, 25));
    probe.workerPids = workerChildren();
  }
};
`;

function writePackage(root: string, name: string, manifest: Record<string, unknown>, code: string): void {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': { path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0', ...manifest },
    }),
  );
  fs.writeFileSync(path.join(dir, 'dist', 'index.js'), code);
}

const probeSaw = () => (globalThis as { __annexBootProbe?: { workerPids: number[] } }).__annexBootProbe?.workerPids;

describe.runIf(fs.existsSync('/proc/self/stat'))(
  'boot overlaps the sandbox worker start with trusted activation',
  () => {
    let t: TestHost | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
      delete (globalThis as { __annexBootProbe?: unknown }).__annexBootProbe;
    });

    async function boot(withSandboxed: boolean): Promise<TestHost> {
      // Its own cache folder (ANNEX_CACHE_DIR empty: the data folder's), as a host's first start and restart have.
      const host = await startHost({ env: { ANNEX_CACHE_DIR: '' } });
      writePackage(host.extensionsPath, 'a-boot-probe', { type: 'hook' }, PROBE);
      if (withSandboxed) {
        writePackage(
          host.extensionsPath,
          'z-sandboxed-endpoint',
          { type: 'endpoint', sandbox: { enabled: true, requestedScopes: {} } },
          `export default (router) => { router.get('/', () => ({ status: 200, body: { ok: true } })); };\n`,
        );
      }
      delete (globalThis as { __annexBootProbe?: unknown }).__annexBootProbe;
      return host.restart();
    }

    it('a worker is already starting while a trusted extension ahead of the sandboxed one activates', async () => {
      t = await boot(true);
      const workers = (await t.host.kernel.sandbox()).workers();
      expect(workers).toHaveLength(1);
      expect(probeSaw()).toContain(workers[0]!.pid);
      expect((await t.api('GET', '/z-sandboxed-endpoint')).body).toEqual({ ok: true });
    });

    it('without a sandboxed extension no worker starts', async () => {
      t = await boot(false);
      expect(probeSaw()).toBeInstanceOf(Array);
      expect((await t.host.kernel.sandbox()).workers()).toHaveLength(0);
    });
  },
);
