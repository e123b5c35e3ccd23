import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { eventually } from '../helpers/write-extension.js';
import { linkWorkspaceDependencies, scaffoldProject, SDK_CLI } from '../sdk/helpers.js';

/** Issue 7 item 5: `annex-extension dev` in a linked extension folder drives the whole loop. */
describe('annex-extension dev against a running host', () => {
  let t: TestHost;
  let dev: ChildProcess;
  let dir: string;
  let name: string;

  beforeAll(async () => {
    t = await startHost({ env: { EXTENSIONS_AUTO_RELOAD: 'true', EXTENSIONS_AUTO_RELOAD_DEBOUNCE: '30' } });
    dir = await scaffoldProject({ type: 'endpoint', language: 'ts' });
    await linkWorkspaceDependencies(dir);
    name = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
    dev = spawn(process.execPath, [SDK_CLI, 'dev', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    // The first build, then link the folder (a symlink) into the host's extensions folder.
    await eventually(
      async () => fs.existsSync(path.join(dir, 'dist', 'index.js')),
      (v) => v,
      60_000,
      100,
    );
    fs.symlinkSync(dir, path.join(t.extensionsPath, name), 'dir');
  }, 120_000);
  afterAll(async () => {
    dev?.kill('SIGINT');
    await t?.close();
  });

  it('picks up the linked folder, then each saved source edit, without a restart', async () => {
    const hello = await eventually(
      () => t.api('GET', `/${name}`).then((r) => r.body),
      (b) => typeof b?.hello === 'string',
      10_000,
    );
    expect(hello.hello).toBeTypeOf('string');
    const src = path.join(dir, 'src', 'index.ts');
    for (const word of ['first edit', 'second edit']) {
      fs.writeFileSync(
        src,
        fs
          .readFileSync(src, 'utf8')
          .replace(/res\.json\(\{ hello: [^}]*\}\)/, `res.json({ hello: ${JSON.stringify(word)} })`),
      );
      const body = await eventually(
        () => t.api('GET', `/${name}`).then((r) => r.body),
        (b) => b?.hello === word,
        10_000,
      );
      expect(body.hello).toBe(word);
    }
    // A broken save keeps the last good version serving and records the error.
    fs.writeFileSync(src, `${fs.readFileSync(src, 'utf8')}\nexport const broken = ;\n`);
    await new Promise((r) => setTimeout(r, 800));
    expect((await t.api('GET', `/${name}`)).body.hello).toBe('second edit');
  }, 60_000);
});
