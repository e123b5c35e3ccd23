import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  createMarketplaceServer,
  type MarketplaceServer,
  type MarketplaceServerOptions,
} from '../../server/create-server.js';

export interface ExtensionSpec {
  name: string;
  version?: string;
  type?: string;
  host?: string;
  sandbox?: boolean;
  scopes?: Record<string, unknown>;
  description?: string;
  /** Extra files (relative path → content). */
  files?: Record<string, string | Buffer>;
  /** Merged into `directus:extension`. */
  options?: Record<string, unknown>;
  /** Merged into package.json. */
  pkg?: Record<string, unknown>;
}

/** Writes an extension folder: package.json with a `directus:extension` manifest, dist/index.js, README. */
export async function writeExtension(root: string, spec: ExtensionSpec): Promise<string> {
  const folder = join(root, `${spec.name.replace('/', '__')}-${spec.version ?? '1.0.0'}`);
  await mkdir(join(folder, 'dist'), { recursive: true });
  const type = spec.type ?? 'hook';
  const options: Record<string, unknown> = {
    type,
    path: 'dist/index.js',
    source: 'src/index.ts',
    host: spec.host ?? '^10.10.0 || ^11.0.0',
  };
  if (spec.sandbox !== undefined || spec.scopes)
    options.sandbox = { enabled: spec.sandbox ?? false, requestedScopes: spec.scopes ?? {} };
  const pkg = {
    name: spec.name,
    version: spec.version ?? '1.0.0',
    description: spec.description ?? `The ${spec.name} extension`,
    type: 'module',
    license: 'MIT',
    files: ['dist'],
    'directus:extension': { ...options, ...spec.options },
    ...spec.pkg,
  };
  await writeFile(join(folder, 'package.json'), JSON.stringify(pkg, null, 2));
  await writeFile(join(folder, 'README.md'), `# ${spec.name}\n\nVersion ${pkg.version}.\n`);
  await writeFile(
    join(folder, 'dist/index.js'),
    `export default ({ action }) => { action('items.create', () => {}); };\n// ${spec.name}@${pkg.version}\n`,
  );
  for (const [rel, content] of Object.entries(spec.files ?? {})) {
    await mkdir(dirname(join(folder, rel)), { recursive: true });
    await writeFile(join(folder, rel), content);
  }
  return folder;
}

export async function tempDir(prefix = 'annex-mkt-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface TestRegistry {
  server: MarketplaceServer;
  url: string;
  dataDir: string;
  work: string;
  /** Token of the `alice` publisher (created on start). */
  token: string;
  close(): Promise<void>;
}

/** A listening marketplace on a random port with a data dir and a publisher `alice`. */
export async function startRegistry(options: Partial<MarketplaceServerOptions> = {}): Promise<TestRegistry> {
  const work = await tempDir();
  const dataDir = join(work, 'data');
  const server = await createMarketplaceServer({ dataDir, port: 0, ...options });
  const url = await server.listen();
  const { token } = await server.ensureAccount({ username: 'alice', password: 'alice-password' });
  return {
    server,
    url,
    dataDir,
    work,
    token,
    async close() {
      await server.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Every path under `root` with its kind and (files) content hash and mode, for before/after comparisons. */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const path = join(dir, name);
      const st = await lstat(path);
      const rel = relative(root, path);
      if (st.isDirectory()) {
        out[rel] = 'dir';
        await walk(path);
      } else if (st.isFile()) {
        out[rel] = `file:${(st.mode & 0o7777).toString(8)}:${createHash('sha256')
          .update(await readFile(path))
          .digest('hex')}`;
      } else out[rel] = st.isSymbolicLink() ? 'symlink' : 'special';
    }
  }
  await walk(root);
  return out;
}

/** The error a promise rejects with (or `{code: 'RESOLVED'}`), to assert on codes. */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; details?: Record<string, unknown> }> {
  return p.then(
    () => ({ code: 'RESOLVED' }),
    (e) => e as { code: string },
  );
}
