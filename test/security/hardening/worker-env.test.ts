import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandboxEngine, type SandboxEngine } from '@annex/runtime';
import { createHost, spec } from '../sandbox/harness.js';

/** The environment of every live child process of this test process (Linux /proc). */
function childEnvironments(): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const env = Object.fromEntries(
        fs
          .readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      out.push(env);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** Sandbox workers get an explicit, minimal environment: nothing of the host's (issue 17, item 5). */
describe.skipIf(process.platform !== 'linux')('sandbox worker environment', () => {
  let engine: SandboxEngine | undefined;
  afterAll(async () => engine?.close());

  it('holds no host variable but the few the runtime needs', async () => {
    const planted = {
      SECRET: 'planted-secret',
      KEY: 'planted-key',
      ADMIN_PASSWORD: 'planted-password',
      DB_CONNECTION_STRING: 'postgres://u:p@h/db',
      AWS_SECRET_ACCESS_KEY: 'planted-aws',
      SOME_UNRELATED_VAR: 'x',
    };
    Object.assign(process.env, planted);
    try {
      engine = createSandboxEngine({ kind: 'process', workers: 2, capabilityHost: createHost() });
      const inst = await engine.load(
        spec(`export default (r) => { r.get('/', () => ({ status: 200, body: 'up' })); };`),
      );
      expect(await inst.call(0, [{}])).toMatchObject({ body: 'up' });
      const envs = childEnvironments().filter((e) => Object.keys(e).some((k) => k.startsWith('ANNEX_')));
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        for (const [name, value] of Object.entries(planted)) {
          expect(env[name], name).toBeUndefined();
          expect(Object.values(env)).not.toContain(value);
        }
        expect(env.NODE_OPTIONS).toBeUndefined();
        expect(env.PATH).toBeUndefined();
        // NODE_CHANNEL_* is Node's own IPC plumbing (fork).
        expect(
          Object.keys(env).every(
            (k) => ['NODE_ENV', 'TZ'].includes(k) || k.startsWith('ANNEX_') || k.startsWith('NODE_CHANNEL_'),
          ),
          Object.keys(env).join(','),
        ).toBe(true);
      }
    } finally {
      for (const name of Object.keys(planted)) delete process.env[name];
    }
  });
});
