import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createUser, startHost } from '../helpers/host.js';
import { annex } from '../helpers/annex-cli.js';

describe('annex CLI', () => {
  it('prints help and rejects unknown commands with exit code 2', async () => {
    const help = await annex(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('annex start');
    expect((await annex(['frobnicate'], {})).code).toBe(2);
    expect((await annex(['extensions', 'enable'], {})).code).toBe(2);
  });

  it('bootstraps a database and lists/enables/disables extensions in it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-'));
    const env = {
      DB_FILENAME: path.join(dir, 'a.db'),
      ADMIN_EMAIL: 'cli@example.com',
      ADMIN_PASSWORD: 'pw',
      EXTENSIONS_PATH: path.join(dir, 'ext'),
    };
    const boot = await annex(['bootstrap'], env);
    expect(boot.code).toBe(0);
    expect(boot.stdout).toContain('cli@example.com');
    // A host run populates the settings table.
    const t = await startHost({
      dir,
      env: {
        DB_FILENAME: env.DB_FILENAME,
        EXTENSIONS_PATH: env.EXTENSIONS_PATH,
        ADMIN_EMAIL: 'cli@example.com',
        ADMIN_PASSWORD: 'pw',
      },
    });
    await t.close();
    const list = await annex(['extensions', 'list', '--json'], env);
    const rows = JSON.parse(list.stdout);
    // The state recorded while the host ran survives its shutdown.
    expect(rows.find((r: any) => r.name === '@annex/builtin-items')).toMatchObject({ enabled: true, state: 'active' });
    expect((await annex(['extensions', 'disable', '@annex/builtin-items'], env)).code).toBe(0);
    const locked = await annex(['extensions', 'disable', '@annex/builtin-auth'], env);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('HOST_EXTENSION_LOCKED');
    expect((await annex(['extensions', 'enable', 'nope'], env)).stderr).toContain('HOST_EXTENSION_NOT_FOUND');
    const after = JSON.parse((await annex(['extensions', 'list', '--json'], env)).stdout);
    expect(after.find((r: any) => r.name === '@annex/builtin-items').enabled).toBe(false);
    const t2 = await startHost({
      dir,
      env: {
        DB_FILENAME: env.DB_FILENAME,
        EXTENSIONS_PATH: env.EXTENSIONS_PATH,
        ADMIN_EMAIL: 'cli@example.com',
        ADMIN_PASSWORD: 'pw',
      },
    });
    expect((await t2.api('GET', '/items/anything')).status).toBe(404);
    // Against the running host: immediate effect.
    const remote = await annex(
      ['extensions', 'enable', '@annex/builtin-items', '--url', t2.url, '--token', t2.token],
      env,
    );
    expect(remote.code).toBe(0);
    expect((await t2.api('GET', '/items/anything')).status).toBe(403);
    /* Both changes are in the activity log: offline from the CLI, then through the API by the admin. */
    const log = (await t2.api('GET', '/activity?filter[item][_eq]=@annex/builtin-items&sort=id')).body.data;
    expect(log.map((r: any) => [r.origin, r.details])).toEqual([
      ['cli', { enabled: false }],
      [null, { enabled: true }],
    ]);
    expect(log[1].user).toBeTruthy();
    await t2.close();
  });

  it('limits an extension to roles and lists the activity, offline and against a running host', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-cli-roles-'));
    const env = {
      DB_FILENAME: path.join(dir, 'a.db'),
      ADMIN_EMAIL: 'cli@example.com',
      ADMIN_PASSWORD: 'pw',
      EXTENSIONS_PATH: path.join(dir, 'ext'),
    };
    const hostEnv = {
      DB_FILENAME: env.DB_FILENAME,
      EXTENSIONS_PATH: env.EXTENSIONS_PATH,
      ADMIN_EMAIL: 'cli@example.com',
      ADMIN_PASSWORD: 'pw',
    };
    let t = await startHost({ dir, env: hostEnv });
    const guest = await createUser(t, 'cli-guest', []);
    await createUser(t, 'cli-editor', []);
    await t.close();
    // Offline: by role name; unknown names and locked built-ins are refused.
    expect((await annex(['extensions', 'roles', '@annex/builtin-server', 'cli-editor'], env)).code).toBe(0);
    expect((await annex(['extensions', 'roles', '@annex/builtin-server', 'nobody'], env)).code).toBe(1);
    expect((await annex(['extensions', 'roles', '@annex/builtin-auth', 'cli-editor'], env)).stderr).toContain(
      'HOST_EXTENSION_LOCKED',
    );
    expect((await annex(['extensions', 'roles', '@annex/builtin-server'], env)).code).toBe(2);
    t = await startHost({ dir, env: hostEnv });
    expect((await t.api('GET', '/server/ping', undefined, guest.token)).status).toBe(403);
    expect((await t.api('GET', '/server/ping')).status).toBe(200); // the administrator
    // Against the running host: open it again, at once.
    const remote = ['--url', t.url, '--token', t.token];
    const open = await annex(['extensions', 'roles', '@annex/builtin-server', ...remote, '--everyone'], env);
    expect(open.stdout).toContain('everyone');
    const server = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === '@annex/builtin-server',
    );
    expect(server.annex.roles).toBeNull();
    expect((await t.api('GET', '/server/ping', undefined, guest.token)).status).toBe(200);
    const log = JSON.parse(
      (await annex(['extensions', 'activity', '@annex/builtin-server', '--json', ...remote], env)).stdout,
    );
    expect(log.map((l: any) => [l.origin, l.details?.roles === null ? null : 'list'])).toEqual([
      [null, null],
      ['cli', 'list'],
    ]);
    const offline = (await annex(['extensions', 'activity', '--limit', '1'], env)).stdout.trim().split('\n');
    expect(offline).toHaveLength(1);
    expect(offline[0]).toContain('@annex/builtin-server');
    await t.close();
  });
});
