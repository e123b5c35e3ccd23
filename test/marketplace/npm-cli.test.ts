import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startRegistry,
  tempDir,
  writeExtension,
  type TestRegistry,
} from '../../marketplace/src/__tests__/helpers/fixtures.js';

/**
 * The real npm CLI (whatever `npm` is on PATH, v11 expected), unmodified, against the marketplace:
 * adduser, whoami, publish, view, pack and install. Each npm run gets a private HOME, user config
 * and cache, and none of the npm_config_* variables of the process running the tests.
 */
const run = promisify(execFile);
const hasScript = spawnSync('script', ['--version']).status === 0;

let reg: TestRegistry;
let home: string;
let userconfig: string;
let registryUrl: string;

function npmEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    npm_config_userconfig: userconfig,
    npm_config_cache: join(home, 'cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    NO_COLOR: '1',
  };
}

async function npm(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', args, { cwd, env: npmEnv(), timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `npm adduser --auth-type=legacy` needs a terminal for its prompts: `script` provides one. */
function adduserInteractive(
  username: string,
  password: string,
  email: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', 'npm adduser --auth-type=legacy', '/dev/null'], {
      cwd: home,
      env: { ...npmEnv(), TERM: 'dumb' },
    });
    const answers: [RegExp, string][] = [
      [/Username:/, username],
      [/Password:/, password],
      [/Email[^:]*:/, email],
    ];
    let output = '';
    const timer = setTimeout(() => child.kill(), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      while (answers.length && answers[0][0].test(output)) {
        const [re, answer] = answers.shift()!;
        output = output.replace(re, '<answered>');
        child.stdin.write(`${answer}\r`);
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

beforeAll(async () => {
  reg = await startRegistry();
  registryUrl = `${reg.url}/`;
  home = await tempDir('annex-npm-home-');
  userconfig = join(home, '.npmrc');
  await writeFile(userconfig, `registry=${registryUrl}\n`);
}, 120_000);
afterAll(() => reg?.close());

describe('the npm CLI against the marketplace', () => {
  it('logs in with `npm adduser --auth-type=legacy` and `npm whoami` answers', async (ctx) => {
    if (!hasScript) {
      // without a pseudo-terminal npm cannot prompt; log in over the same endpoint npm uses
      const res = await fetch(`${reg.url}/-/user/org.couchdb.user:dave`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'dave', password: 'dave-password', email: 'dave@example.com' }),
      });
      const { token } = (await res.json()) as { token: string };
      await writeFile(userconfig, `registry=${registryUrl}\n//${new URL(registryUrl).host}/:_authToken=${token}\n`);
      ctx.skip(
        '`script` (util-linux) is not installed: npm adduser needs a terminal; token obtained over HTTP instead',
      );
    }
    const login = await adduserInteractive('dave', 'dave-password', 'dave@example.com');
    expect(login.code, login.output).toBe(0);
    expect(await readFile(userconfig, 'utf8')).toMatch(/:_authToken=annex_/);
    const who = await npm(['whoami'], home);
    expect(who.stdout.trim()).toBe('dave');
  });

  it('publishes with `npm publish` and reads it back with `npm view --json`', async () => {
    const work = await tempDir();
    const v1 = await writeExtension(work, {
      name: 'npm-weather',
      version: '1.0.0',
      sandbox: true,
      scopes: { log: {} },
    });
    const pub = await npm(['publish'], v1);
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.stdout).toContain('npm-weather@1.0.0');
    const v2 = await writeExtension(work, {
      name: 'npm-weather',
      version: '1.1.0',
      sandbox: true,
      scopes: { log: {} },
    });
    expect((await npm(['publish'], v2)).code).toBe(0);

    const view = await npm(['view', 'npm-weather', '--json'], home);
    expect(view.code, view.stderr).toBe(0);
    const info = JSON.parse(view.stdout);
    expect(info).toMatchObject({
      name: 'npm-weather',
      version: '1.1.0',
      'dist-tags': { latest: '1.1.0' },
      versions: ['1.0.0', '1.1.0'],
    });
    expect(info['directus:extension']).toMatchObject({ type: 'hook', sandbox: { enabled: true } });
    const registry = (await (await fetch(`${reg.url}/extensions/npm-weather`)).json()) as {
      data: { versions: { version: string; integrity: string; publisher: { username: string } }[] };
    };
    const latest = registry.data.versions[0];
    expect(info.dist.integrity).toBe(latest.integrity);
    expect(latest.publisher.username).toBe('dave');
    expect(info.dist.tarball).toBe(`${reg.url}/npm-weather/-/npm-weather-1.1.0.tgz`);
  });

  it('`npm pack <pkg>@<version>` downloads the exact published tarball', async () => {
    const out = await tempDir();
    const pack = await npm(['pack', 'npm-weather@1.0.0', '--json'], out);
    expect(pack.code, pack.stderr).toBe(0);
    const [meta] = JSON.parse(pack.stdout) as { filename: string; integrity: string; version: string }[];
    expect(meta.version).toBe('1.0.0');
    const bytes = await readFile(join(out, meta.filename));
    const registry = (await (await fetch(`${reg.url}/extensions/npm-weather`)).json()) as {
      data: { versions: { version: string; integrity: string }[] };
    };
    const expected = registry.data.versions.find((v) => v.version === '1.0.0')!.integrity;
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(expected);
  });

  it('`npm install <pkg>@<version>` installs from the marketplace', async () => {
    const project = await tempDir();
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    const install = await npm(['install', 'npm-weather@1.0.0'], project);
    expect(install.code, install.stderr).toBe(0);
    const installed = JSON.parse(await readFile(join(project, 'node_modules/npm-weather/package.json'), 'utf8'));
    expect(installed.version).toBe('1.0.0');
    expect((await readdir(join(project, 'node_modules/npm-weather/dist'))).sort()).toEqual(['index.js']);
  });

  it('publishes and reads scoped packages (@scope%2fname)', async () => {
    const folder = await writeExtension(await tempDir(), { name: '@acme/npm-panel', type: 'panel' });
    expect((await npm(['publish', '--access', 'public'], folder)).code).toBe(0);
    const view = JSON.parse((await npm(['view', '@acme/npm-panel', '--json'], home)).stdout);
    expect(view).toMatchObject({ name: '@acme/npm-panel', version: '1.0.0' });
    const out = await tempDir();
    const pack = await npm(['pack', '@acme/npm-panel@1.0.0'], out);
    expect(pack.code, pack.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['acme-npm-panel-1.0.0.tgz']);
  });

  it('refuses republishing a version and publishing a package without a valid manifest', async () => {
    const work = await tempDir();
    const dup = await npm(
      ['publish'],
      await writeExtension(work, { name: 'npm-weather', version: '1.0.0', sandbox: true, scopes: { log: {} } }),
    );
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/previously published|E403/);

    const plain = join(work, 'plain');
    await mkdir(join(plain, 'dist'), { recursive: true });
    await writeFile(
      join(plain, 'package.json'),
      JSON.stringify({
        name: 'plain-lib',
        version: '1.0.0',
        'directus:extension': { type: 'hook', path: 'dist/index.js' },
      }),
    );
    await writeFile(join(plain, 'dist/index.js'), 'export default 1;');
    const bad = await npm(['publish'], plain);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('E400');
    expect(bad.stderr).toContain('directus:extension.host');
    expect((await npm(['view', 'plain-lib', '--json'], home)).code).not.toBe(0);
  });
});
