import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { prespawnWorker, releasePrespawnedWorker, takePrespawnedWorker } from '../internal/process/prespawn.js';
import { createTestEngine, route, spec } from './helpers.js';

const exited = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

async function waitUntil(check: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20)))
    if (check()) return true;
  return check();
}

/* `annex start` forks worker 0 before the host loads; the engine's first worker adopts it (issue 20: boot). */
describe('process engine: a prespawned first worker', () => {
  let engine: ReturnType<typeof createTestEngine> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    releasePrespawnedWorker();
  });

  it('is adopted as worker 0, its early ready is not lost, and loads and calls run in it', async () => {
    const pid = prespawnWorker();
    expect(pid).toBeGreaterThan(0);
    // Let it start and send `ready` before anything adopts it.
    await new Promise((r) => setTimeout(r, 1000));
    engine = createTestEngine('process', { workers: 2, instancesPerWorker: 4 });
    const inst = await engine.load(spec(route('return 7;')));
    expect(inst.worker).toBe(0);
    expect(engine.workers().map((w) => w.pid)).toEqual([pid]);
    expect(await inst.call(0, [{}])).toEqual({ status: 200, body: 7 });
    // Taken: nothing is left to release.
    expect(releasePrespawnedWorker()).toBe(false);
  });

  it('is not taken for another entry file (a stale guess): it is ended instead', async () => {
    const pid = prespawnWorker()!;
    expect(takePrespawnedWorker('/nowhere/worker.js')).toBeUndefined();
    expect(await waitUntil(() => exited(pid))).toBe(true);
    expect(releasePrespawnedWorker()).toBe(false);
  });

  it('one nobody adopted does not keep its process alive (a CLI whose boot failed still exits)', async () => {
    const dist = fileURLToPath(new URL('../../dist/internal/process/prespawn.js', import.meta.url));
    const script = `import { prespawnWorker } from ${JSON.stringify(dist)}; if (!(prespawnWorker() > 0)) process.exit(3);`;
    const code = await new Promise<number | string>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], (err) =>
        resolve(err ? ((err as { code?: number }).code ?? 'error') : 0),
      );
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, 15_000).unref();
    });
    expect(code).toBe(0);
  }, 20_000);

  it('one nobody adopted is ended by releasePrespawnedWorker', async () => {
    const pid = prespawnWorker()!;
    expect(prespawnWorker()).toBe(pid); // one at a time
    expect(releasePrespawnedWorker()).toBe(true);
    expect(await waitUntil(() => exited(pid))).toBe(true);
    expect(releasePrespawnedWorker()).toBe(false);
  });
});
