import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, testHostEnv } from '../helpers/host.js';

const CLI = path.join(ROOT, 'host', 'bin', 'annex.js');

/** Runs the CLI; resolves with its exit code and stderr (or `timeout` when it is still running after `ms`). */
function annex(args: string[], env: Record<string, string>, cwd: string, ms: number) {
  return new Promise<{ code: number | 'timeout'; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env }, cwd },
      (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
    setTimeout(() => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        resolve({ code: 'timeout', stderr: '' });
      }
    }, ms).unref();
  });
}

describe('annex start on a port already in use', () => {
  let dir: string;
  let server: net.Server;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-port-in-use-'));
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits with code 1 and the error code instead of running a host that never listens', async () => {
    const port = (server.address() as net.AddressInfo).port;
    const env = testHostEnv(dir, { MARKETPLACE_REGISTRY: '' });
    const out = await annex(['start', '--port', String(port), '--host', '127.0.0.1'], env, dir, 40_000);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('[EADDRINUSE]');
  });
});
