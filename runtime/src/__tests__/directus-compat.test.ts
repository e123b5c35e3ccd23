import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, rejection } from './helpers.js';
import type { SandboxExtensionSpec } from '../types.js';

/**
 * The real, unmodified sandboxed `@directus-labs/liquidjs-operation` from the shared compat
 * corpus, loaded exactly as a Directus host would (its own requestedScopes granted), checked
 * against the behaviour the corpus records. Fetched with the corpus's fetch.sh (npm pack) into
 * a git-ignored cache; skipped with a message only when the registry cannot be reached.
 */
const COMPAT = fileURLToPath(new URL('../../../../shared/compat/', import.meta.url));
const CACHE = fileURLToPath(new URL('../../.cache/compat/', import.meta.url));
const NAME = '@directus-labs/liquidjs-operation';

function fetchPackage(): { dir: string } | { skip: string } {
  const dir = `${CACHE}liquidjs-operation`;
  if (existsSync(`${dir}/package/package.json`)) return { dir: `${dir}/package` };
  if (!existsSync(`${COMPAT}public-corpus.json`)) return { skip: `compat corpus not found at ${COMPAT}` };
  mkdirSync(dir, { recursive: true });
  const corpus = (JSON.parse(readFileSync(`${COMPAT}public-corpus.json`, 'utf8')) as { name: string }[]).filter(
    (e) => e.name === NAME,
  );
  writeFileSync(`${CACHE}liquidjs.json`, JSON.stringify(corpus));
  try {
    execFileSync('bash', [`${COMPAT}fetch.sh`, `${CACHE}tarballs`, `${CACHE}liquidjs.json`], {
      stdio: 'pipe',
      timeout: 120_000,
    });
  } catch (err) {
    return { skip: `could not fetch ${NAME} from the npm registry (${(err as Error).message.split('\n')[0]})` };
  }
  const tgz = readdirSync(`${CACHE}tarballs`).find((f) => f.startsWith('directus-labs-liquidjs-operation'));
  if (!tgz) return { skip: `${NAME} tarball missing after fetch` };
  execFileSync('tar', ['-xzf', `${CACHE}tarballs/${tgz}`, '-C', dir]);
  return { dir: `${dir}/package` };
}

const fetched = fetchPackage();
// Under CI (CI=true) an unreachable corpus fails, naming the dependency; locally the skip is printed.
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
if ('skip' in fetched && inCi)
  it('the npm registry (compat corpus) is reachable', () =>
    expect.fail(`required in CI: ${(fetched as { skip: string }).skip}`));
else if ('skip' in fetched) console.warn(`[skipped] the npm registry (compat corpus): ${fetched.skip}`);

describe.skipIf('skip' in fetched).each(['inline', 'process'] as const)(
  `${NAME} runs unchanged in the sandbox (%s engine)`,
  (kind) => {
    let engine: ReturnType<typeof createTestEngine>;
    let spec: SandboxExtensionSpec;
    beforeAll(() => {
      const dir = (fetched as { dir: string }).dir;
      const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
      const manifest = pkg['directus:extension'];
      spec = {
        id: pkg.name,
        version: pkg.version,
        type: manifest.type,
        code: readFileSync(`${dir}/${manifest.path.api}`, 'utf8'),
        filename: `${dir}/${manifest.path.api}`,
        grantedScopes: manifest.sandbox.requestedScopes,
        env: {},
      };
      engine = createTestEngine(kind, { defaults: { cpuTimeoutMs: 1000, wallTimeoutMs: 5000, memoryMb: 100 } });
    });
    afterAll(() => engine.close());

    it('registers operation "liquidjs-operation"', async () => {
      const inst = await engine.load(spec);
      expect(inst.registrations.operation).toEqual({ id: 'liquidjs-operation', handler: 0 });
    });

    it('renders a single template with custom delimiters', async () => {
      const inst = await engine.load(spec);
      const options = {
        mode: 'custom',
        operationMode: 'single',
        template: 'Hello, {# name #}!{% if admin %} (admin){% endif %}',
        data: { name: 'Ada', admin: true },
        publicUrl: 'http://localhost:8055/',
      };
      expect(await inst.call(0, [options, { data: {}, accountability: null }])).toEqual({
        template: 'Hello, Ada! (admin)',
      });
    });

    it('renders a batch, returning the requested fields', async () => {
      const inst = await engine.load(spec);
      const options = {
        mode: 'custom',
        operationMode: 'batch',
        template: '{# n | times: 2 #}',
        data: [{ n: 1 }, { n: 21 }],
        dataReturnFields: ['n'],
        publicUrl: 'http://localhost:8055/',
      };
      expect(await inst.call(0, [options, { data: {} }])).toEqual([
        { n: 1, template: '2' },
        { n: 21, template: '42' },
      ]);
    });

    it('rejects array data in single mode with the extension’s own message', async () => {
      const inst = await engine.load(spec);
      const options = {
        mode: 'custom',
        operationMode: 'single',
        template: 'x',
        data: [{ n: 1 }],
        publicUrl: 'http://localhost:8055/',
      };
      const err = await rejection(inst.call(0, [options, { data: {} }]));
      expect(err.code).toBe('RT_EXTENSION_ERROR');
      expect(err.message).toContain('Single operation mode expects a single data object, not an array');
    });
  },
);
