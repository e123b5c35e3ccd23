import fs from 'node:fs';
import path from 'node:path';

/** Writes (or rewrites) a one-file endpoint extension `name` in `root` answering `GET /<name>` with `body`. */
export function writeEndpoint(
  root: string,
  name: string,
  body: string,
  options: { sandbox?: boolean; raw?: string } = {},
): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const manifest = {
    name,
    version: '1.0.0',
    type: 'module',
    'directus:extension': {
      type: 'endpoint',
      path: 'dist/index.js',
      source: 'src/index.js',
      host: '^10.10.0',
      ...(options.sandbox ? { sandbox: { enabled: true, requestedScopes: {} } } : {}),
    },
  };
  const pkgFile = path.join(dir, 'package.json');
  const pkgText = JSON.stringify(manifest, null, 2);
  if (!fs.existsSync(pkgFile) || fs.readFileSync(pkgFile, 'utf8') !== pkgText) fs.writeFileSync(pkgFile, pkgText);
  const code =
    options.raw ??
    (options.sandbox
      ? `export default (router) => { router.get('/', () => ({ status: 200, body: ${JSON.stringify(body)} })); };\n`
      : `export default (router) => { router.get('/', (_req, res) => res.send(${JSON.stringify(body)})); };\n`);
  // Write then rename, like a bundler finishing a build.
  const tmp = path.join(dir, 'dist', `.index.js.${process.pid}.tmp`);
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, path.join(dir, 'dist', 'index.js'));
  return dir;
}

/** Writes a hook extension (version `version`) that appends `suffix` to created items' title, or runs `raw`. */
export function writeHook(root: string, name: string, suffix: string, raw?: string, version = '1.0.0'): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version,
      type: 'module',
      'directus:extension': { type: 'hook', path: 'dist/index.js', source: 'src/index.js', host: '^10.10.0' },
    }),
  );
  const code =
    raw ??
    `export default ({ filter }) => { filter('items.create', (p) => ({ ...p, title: p.title + ${JSON.stringify(suffix)} })); };\n`;
  const tmp = path.join(dir, 'dist', `.index.js.${process.pid}.tmp`);
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, path.join(dir, 'dist', 'index.js'));
  return dir;
}

// The bound only stops a wait for something that never happens; it returns as soon as `ok` holds.
// 30 s, not 5: a busy 2-core machine took more than 5 s to rebuild and reload (a flake, not a hang).
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000, step = 20): Promise<T> {
  const until = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, step));
    v = await fn();
  }
  if (!ok(v)) throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(v)}`);
  return v;
}

/** Writes `package.json` and `files` (paths relative to `dir`) into `dir`; returns `dir`. */
export function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string> = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/**
 * Writes a sandboxed endpoint `name` in `root` granted `emit: ["**"]`: `POST /<name>` with `{ event }`
 * emits that event (payload `{ forged: true }`) and answers 'emitted', or the error code it got.
 */
export function writeEmitter(root: string, name: string): string {
  return writePackage(
    path.join(root, name),
    {
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'endpoint',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        sandbox: { enabled: true, requestedScopes: { emit: ['**'] } },
      },
    },
    {
      'dist/index.js': `import { emit } from 'directus:api';
export default (router) => {
  router.post('/', async (req) => { try { await emit(req.body.event, { forged: true }); return 'emitted'; } catch (e) { return e.code; } });
};
`,
    },
  );
}
