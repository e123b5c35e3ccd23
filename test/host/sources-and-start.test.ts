import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHost } from '@annex/host';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from '../helpers/host.js';

describe('module source', () => {
  it('loads extensions that are dependencies of the host project, once even when also linked locally', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-module-'));
    fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    fs.cpSync(
      path.join(FIXTURES, 'extensions', 'annex-sample-endpoint-cjs'),
      path.join(dir, 'node_modules', 'annex-sample-endpoint-cjs'),
      { recursive: true },
    );
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'my-project',
        private: true,
        dependencies: { 'annex-sample-endpoint-cjs': '1.0.0', koa: '*' },
      }),
    );
    // The same folder linked into EXTENSIONS_PATH (a workspace setup) must not load twice.
    fs.mkdirSync(path.join(dir, 'extensions'));
    fs.symlinkSync(
      path.join(dir, 'node_modules', 'annex-sample-endpoint-cjs'),
      path.join(dir, 'extensions', 'linked'),
      'dir',
    );
    const host = await createHost({
      cwd: dir,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DB_FILENAME: path.join(dir, 'a.db'),
        EXTENSIONS_PATH: path.join(dir, 'extensions'),
        ADMIN_PASSWORD: 'x',
        SECRET: 's',
      },
    });
    try {
      const recs = host.kernel.extensions.records().filter((r) => r.desc?.id === 'annex-sample-endpoint-cjs');
      expect(recs).toHaveLength(1);
      expect(recs[0]!.state).toBe('active');
      const url = await host.listen(0, '127.0.0.1');
      expect(await (await fetch(`${url}/greet/Bo`)).json()).toEqual({ greeting: 'Hello, Bo!' });
    } finally {
      await host.close();
    }
  });
});

describe('npm start', () => {
  it('annex start --samples serves /server/ping with SQLite in ./data, the built-ins, the samples and a seeded marketplace', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-start-'));
    const child = spawn(
      process.execPath,
      [
        '--no-node-snapshot',
        path.join(ROOT, 'host', 'dist', 'cli', 'main.js'),
        'start',
        '--samples',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          EXTENSIONS_PATH: '',
          MARKETPLACE_REGISTRY: '',
          MARKETPLACE_PORT: '0',
          ADMIN_EMAIL: '',
          ADMIN_PASSWORD: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
        child.stdout.on('data', () => {
          const m = /Annex is running at (http:\/\/\S+)/.exec(out);
          if (m && /Log in:/.test(out)) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect(await (await fetch(`${url}/server/ping`)).text()).toBe('pong');
      expect(fs.existsSync(path.join(dir, 'data', 'annex.db'))).toBe(true);
      expect(out).toMatch(/password: \S+ {3}\(shown once/);
      expect(out).toMatch(/loaded: +\d+ active, 0 failed/);
      expect(out).toContain('local, seeded with fixtures/marketplace');
      const password = /password: (\S+)/.exec(out)![1];
      const login = await (
        await fetch(`${url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@example.com', password }),
        })
      ).json();
      expect(login.data, JSON.stringify(login) + out).toBeDefined();
      const token = login.data.access_token;
      const list = await (
        await fetch(`${url}/extensions/registry?search=greeter`, { headers: { Authorization: `Bearer ${token}` } })
      ).json();
      expect(list.data[0].name).toBe('annex-market-greeter');
      expect(
        (await fetch(`${url}/annex-sample-endpoint`, { headers: { Authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 90_000);
});
