import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevSession, type DevOptions, type DevSession, type RebuildEvent } from '../node/dev.js';
import type { BuildRequest } from '../node/build.js';
import { makeExtension, manifest } from './fixture.js';

const ENDPOINT = manifest({ type: 'endpoint', path: 'dist/index.js', source: 'src/index.js' });
const INDEX =
  "import { word } from './lib/word.js';\nexport default (router) => { router.get('/', (_req, res) => res.send(word)); };\n";

/** A dev session whose rebuilds can be awaited one at a time. */
async function start(
  dir: string,
  options?: DevOptions,
  request: Partial<BuildRequest> = {},
): Promise<{ session: DevSession; next(): Promise<RebuildEvent> }> {
  const queue: RebuildEvent[] = [];
  let wake: (() => void) | undefined;
  const result = await createDevSession(
    { cwd: dir, ...request },
    (event) => {
      queue.push(event);
      wake?.();
    },
    options,
  );
  if (!result.ok) throw new Error('dev session did not start');
  await result.session.ready;
  queue.length = 0;
  return {
    session: result.session,
    async next() {
      while (!queue.length) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    },
  };
}

const output = (dir: string) => readFile(join(dir, 'dist/index.js'), 'utf8');

describe('annex-extension dev: API sources are watched with file events', () => {
  let session: DevSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('rebuilds when an imported module is saved', async () => {
    const dir = await makeExtension(ENDPOINT, {
      'src/index.js': INDEX,
      'src/lib/word.js': "export const word = 'first';\n",
    });
    const dev = await start(dir);
    session = dev.session;
    expect(await output(dir)).toContain('first');
    await writeFile(join(dir, 'src/lib/word.js'), "export const word = 'second';\n");
    expect(await dev.next()).toMatchObject({ ok: true });
    expect(await output(dir)).toContain('second');
  });

  it('recovers from an import that does not resolve once the file is created', async () => {
    const dir = await makeExtension(ENDPOINT, { 'src/index.js': INDEX, 'src/lib/.keep': '' });
    const dev = await start(dir);
    session = dev.session;
    await writeFile(join(dir, 'src/lib/word.js'), "export const word = 'late';\n");
    let event = await dev.next();
    while (!event.ok) event = await dev.next();
    expect(await output(dir)).toContain('late');
  });

  it('a file the build did not read does not rebuild; a removed import target fails the build', async () => {
    const dir = await makeExtension(ENDPOINT, {
      'src/index.js': INDEX,
      'src/lib/word.js': "export const word = 'kept';\n",
      'src/lib/notes.txt': 'a',
    });
    const dev = await start(dir);
    session = dev.session;
    await writeFile(join(dir, 'src/lib/notes.txt'), 'b');
    await new Promise((r) => setTimeout(r, 200)); // past the settle time: a rebuild for notes.txt would come first
    await rm(join(dir, 'src/lib/word.js'));
    const event = await dev.next();
    expect(event.ok).toBe(false);
    expect(event.diagnostics.length).toBeGreaterThan(0);
  });

  it("notices a save sooner than esbuild's polling watch (interleaved, same files)", async () => {
    const dir = await makeExtension(ENDPOINT, {
      'src/index.js': INDEX,
      'src/lib/word.js': "export const word = 'w0';\n",
    });
    const latency = { events: [] as number[], poll: [] as number[] };
    for (let round = 0; round < 5; round++) {
      for (const mode of ['events', 'poll'] as const) {
        const dev = await start(dir, { watch: mode === 'poll' ? 'esbuild-poll' : 'events' });
        session = dev.session;
        const t0 = performance.now();
        await writeFile(join(dir, 'src/lib/word.js'), `export const word = 'w${round}${mode}';\n`);
        expect(await dev.next()).toMatchObject({ ok: true });
        latency[mode].push(performance.now() - t0);
        await dev.session.close();
        session = undefined;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(latency.events)).toBeLessThan(median(latency.poll));
  });
});

describe('annex-extension dev: app sources rebuild through an esbuild context', () => {
  let session: DevSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('rebuilds the app bundle when a .vue file is saved, and reports an SFC error with its line', async () => {
    const dir = await makeExtension(manifest({ type: 'display', path: 'dist/index.js', source: 'src/index.js' }), {
      'src/index.js': "import C from './c.vue';\nexport default { id: 'd', component: C };\n",
      'src/c.vue': '<template><i>first</i></template>\n',
    });
    const dev = await start(dir);
    session = dev.session;
    expect(await output(dir)).toContain('first');
    await writeFile(join(dir, 'src/c.vue'), '<template><i>second</i></template>\n');
    expect(await dev.next()).toMatchObject({ label: 'app', ok: true });
    expect(await output(dir)).toContain('second');
    await writeFile(join(dir, 'src/c.vue'), '<template>\n<i>{{ x }</i></template>\n');
    const failed = await dev.next();
    expect(failed).toMatchObject({ label: 'app', ok: false });
    expect(failed.diagnostics[0]).toMatchObject({ code: 'SDK_SYNTAX_ERROR', file: 'src/c.vue', line: 2 });
    expect(await output(dir)).toContain('second'); // the last good output stays
  });

  it('with extension.config.js plugins, app code is watched by rollup and the plugins run on each rebuild', async () => {
    const dir = await makeExtension(manifest({ type: 'display', path: 'dist/index.js', source: 'src/index.js' }), {
      'src/index.js': "import C from './c.vue';\nexport default { id: 'd', component: C, v: __V__ };\n",
      'src/c.vue': '<template><i>first</i></template>\n',
      'extension.config.js':
        "export default { plugins: [{ name: 'v', transform: (code) => code.replaceAll('__V__', '\"from-plugin\"') }] };\n",
    });
    const dev = await start(dir, {}, { minify: false });
    session = dev.session;
    expect(await output(dir)).toContain('from-plugin');
    await writeFile(join(dir, 'src/c.vue'), '<template><i>second</i></template>\n');
    expect(await dev.next()).toMatchObject({ label: 'app', ok: true });
    const code = await output(dir);
    expect(code).toContain('second');
    expect(code).toContain('from-plugin');
  });

  it('reports extension.config.js plugins that cannot run with the first build, once', async () => {
    const dir = await makeExtension(ENDPOINT, {
      'src/index.js': INDEX,
      'src/lib/word.js': "export const word = 'w';\n",
      'extension.config.js': "export default { plugins: [{ name: 'p' }] };\n",
    });
    const events: RebuildEvent[] = [];
    const result = await createDevSession({ cwd: dir }, (e) => events.push(e));
    if (!result.ok) throw new Error('dev session did not start');
    session = result.session;
    await session.ready;
    await session.rebuild();
    expect(events[0]).toMatchObject({ ok: true });
    expect(events.flatMap((e) => e.diagnostics.map((d) => d.code))).toEqual(['SDK_CONFIG_PLUGINS_IGNORED']);
  });
});
