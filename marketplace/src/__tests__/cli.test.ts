import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeExtension } from './helpers/fixtures.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function cli(
  args: string[],
  options: { until?: RegExp; then?: (stdout: string) => Promise<void> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
      if (options.until?.test(stdout)) {
        options.until = undefined;
        void (options.then?.(stdout) ?? Promise.resolve()).finally(() => child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (c: Buffer) => void (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('annex-marketplace CLI', () => {
  it('is built (npm test builds first)', () => {
    expect(existsSync(CLI), `${CLI} missing: run npx tsc -b marketplace`).toBe(true);
  });

  it('--help is the spec and exits 0; usage errors exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const word of [
      'start',
      'verify',
      'token',
      'seed',
      'publish',
      '--db-connection-string',
      'Exit codes',
      'NO_COLOR',
    ])
      expect(help.stdout).toContain(word);
    expect((await cli([])).code).toBe(2);
    const bad = await cli(['start', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--nope'");
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['verify'])).code).toBe(2);
  });

  it('token/verify work on the data folder; a failure exits 1 with its code', async () => {
    const data = await tempDir();
    const token = await cli(['token', 'erin', '--data', data, '--json']);
    expect(token.code).toBe(0);
    expect(JSON.parse(token.stdout)).toMatchObject({ username: 'erin', token: expect.stringMatching(/^annex_/) });
    expect(JSON.parse((await cli(['verify', 'erin', '--data', data, '--json'])).stdout)).toEqual({
      username: 'erin',
      verified: true,
    });
    const missing = await cli(['verify', 'nobody', '--data', data, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('MKT_ACCOUNT_NOT_FOUND');
  });

  it('seed reports each folder (broken ones fail with their code, exit 1); start serves and stops on SIGTERM', async () => {
    const data = await tempDir();
    const dir = await tempDir();
    await writeExtension(dir, { name: 'seeded-hook', sandbox: true, scopes: { log: {} } });
    await mkdir(join(dir, 'broken'));
    await writeFile(
      join(dir, 'broken/package.json'),
      JSON.stringify({
        name: 'broken',
        version: '1.0.0',
        'directus:extension': { type: 'hook', path: 'x.js', host: '^11' },
      }),
    );
    const seeded = await cli(['seed', dir, '--data', data, '--json']);
    expect(seeded.code).toBe(1);
    expect(
      JSON.parse(seeded.stdout).map((r: { name: string; status: string; error?: { code: string } }) => [
        r.name,
        r.status,
        r.error?.code,
      ]),
    ).toEqual([
      ['broken', 'failed', 'MKT_ENTRYPOINT_MISSING'],
      ['seeded-hook', 'published', undefined],
    ]);

    let version: unknown;
    let listed: unknown;
    const done = await cli(['start', '--port', '0', '--data', data, '--json'], {
      until: /"url"/,
      then: async (stdout) => {
        const { url } = JSON.parse(stdout.trim().split('\n')[0]);
        version = await (await fetch(`${url}/version`)).json();
        listed = ((await (await fetch(`${url}/extensions`)).json()) as { data: { name: string }[] }).data.map(
          (e) => e.name,
        );
      },
    });
    expect(version).toEqual({ version: '2024-01-29' });
    expect(listed).toEqual(['seeded-hook']);
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('stopping');
  });
});
