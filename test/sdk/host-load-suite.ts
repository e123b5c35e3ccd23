import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { scaffoldAndBuild, type ScaffoldCase } from './helpers.js';

const TYPES = ['interface', 'display', 'layout', 'module', 'panel', 'theme', 'hook', 'endpoint', 'operation', 'bundle'];
const CASES: ScaffoldCase[] = [
  ...TYPES.flatMap((type) => (['ts', 'js'] as const).map((language) => ({ type, language }))),
  ...['hook', 'endpoint', 'operation'].flatMap((type) =>
    (['ts', 'js'] as const).map((language) => ({ type, language, sandbox: true })),
  ),
];

/** The collection one hook variant listens on (the template's `articles`, made distinct per variant). */
const collectionOf = (c: ScaffoldCase) => `articles_${c.sandbox ? 'sandboxed' : 'trusted'}_${c.language}`;
/** Points the scaffolded hook's events at `collection` (the template hard-codes `articles`). */
function retargetHook(dir: string, collection: string): void {
  const src = fs
    .readdirSync(path.join(dir, 'src'))
    .map((f) => path.join(dir, 'src', f))
    .find((f) => /index\.[jt]s$/.test(f))!;
  const code = fs.readFileSync(src, 'utf8');
  const edited = code.replaceAll("'articles.items.create'", `'${collection}.items.create'`);
  if (edited === code) throw new Error(`${src}: the template no longer listens on articles.items.create`);
  fs.writeFileSync(src, edited);
  // A sandboxed hook hears only item events its `items` scope grants (the template requests `log` alone).
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const sandbox = pkg['directus:extension'].sandbox;
  if (sandbox?.enabled) {
    sandbox.requestedScopes = { ...sandbox.requestedScopes, items: { [collection]: ['create'] } };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  }
}

/** A project of `c` already scaffolded and built from the untouched templates, if one is. */
export type BuiltProject = (c: ScaffoldCase) => Promise<string | undefined>;

/**
 * Every scaffolded and built extension loads into one running host and answers. Registered by
 * scaffold-build-test.test.ts after its own cases: a project those built (from the untouched
 * template) is loaded as it is instead of being scaffolded and built a second time; the hooks are
 * scaffolded again here, because each is edited before its build.
 */
export function describeHostLoad(builtProject: BuiltProject): void {
  describe('scaffolded extensions in a running host', () => {
    let t: TestHost;
    const built = new Map<ScaffoldCase, { dir: string; name: string }>();

    let root: string | undefined;

    beforeAll(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-sdk-host-'));
      for (const c of CASES) {
        // Each hook variant listens on its own collection, so its slug can only come from it.
        const dir =
          c.type === 'hook'
            ? await scaffoldAndBuild(c, root, (d) => retargetHook(d, collectionOf(c)))
            : ((await builtProject(c)) ?? (await scaffoldAndBuild(c, root)));
        built.set(c, { dir, name: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name });
      }
      t = await startHost({ extensions: [...built.values()].map((b) => b.dir) });
      for (const c of CASES.filter((k) => k.type === 'hook'))
        await createCollection(t, collectionOf(c), { title: 'string', slug: 'string' });
    }, 600_000);
    afterAll(async () => {
      await t?.close();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    it('activates every one of them', async () => {
      const list = (await t.api('GET', '/extensions')).body.data;
      for (const { name } of built.values()) {
        const row = list.find((e: any) => e.annex?.name === name);
        expect(row?.annex.state, `${name}: ${JSON.stringify(row?.annex.last_error)}`).toBe('active');
      }
    });

    for (const c of CASES) {
      const label = `${c.type}${c.sandbox ? ' (sandboxed)' : ''} in ${c.language}`;
      if (c.type === 'endpoint') {
        it(`${label}: the endpoint responds`, async () => {
          const { name } = built.get(c)!;
          const res = await t.api('GET', `/${name}`);
          expect(res.status).toBe(200);
          expect(res.body).toHaveProperty('hello');
        });
      } else if (c.type === 'operation') {
        it(`${label}: the operation runs in a flow`, async () => {
          const { name } = built.get(c)!;
          const id = t.host.kernel.operations.ids().find((op) => t.host.kernel.operations.get(op)!.owner === name);
          expect(id).toBeDefined();
          const flow = await t.api('POST', '/flows', {
            name: `f-${name}`,
            status: 'active',
            trigger: 'webhook',
            options: { method: 'POST' },
          });
          const op = await t.api('POST', '/operations', {
            flow: flow.body.data.id,
            key: 'op',
            type: id,
            options: { text: '{{ $trigger.body.text }}', uppercase: true },
          });
          await t.api('PATCH', `/flows/${flow.body.data.id}`, { operation: op.body.data.id });
          await t.host.kernel.flows.reload();
          const res = await t.api('POST', `/flows/trigger/${flow.body.data.id}`, { text: 'abc' });
          expect(res.body.data).toEqual({ text: 'ABC', length: 3 });
        });
      } else if (c.type === 'hook') {
        it(`${label}: the hook fires`, async () => {
          const res = await t.api('POST', `/items/${collectionOf(c)}`, { title: `Hello ${label}` });
          expect(res.status).toBe(200);
          expect(res.body.data.slug).toBe(
            `hello-${label
              .replace(/[^a-z0-9]+/gi, '-')
              .toLowerCase()
              .replace(/-$/, '')}`,
          );
        });
      } else if (c.type !== 'bundle') {
        it(`${label}: the app extension appears in /extensions/sources`, async () => {
          const { name } = built.get(c)!;
          expect(t.host.kernel.apps.list().some((a) => a.extension === name)).toBe(true);
          const manifest = (await t.api('GET', '/extensions/sources/manifest.json')).body.data;
          const chunk = manifest.chunks.find((ch: any) => ch.extension === name);
          expect(chunk, JSON.stringify(manifest.errors)).toBeDefined();
          expect(chunk.error ?? null).toBeNull();
          const index = await t.api('GET', '/extensions/sources/index.js', undefined, null);
          expect(index.status).toBe(200);
          expect(String(index.body)).toContain(chunk.url.split('/').pop());
        });
      }
    }
  });
}
