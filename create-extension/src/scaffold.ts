import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_EXTENSION_TYPES, DEFAULT_HOST_RANGE, EXTENSION_PKG_KEY, type ExtensionType } from '@annex/protocol';
import { runScript, type PackageManager } from './package-manager.js';
import { getSdkDependency } from './sdk-source.js';
import { stripTypes, stripVueTypes } from './strip-types.js';

export type Language = 'typescript' | 'javascript';
export const SANDBOXABLE_TYPES = ['hook', 'endpoint', 'operation'] as const;

/** Templates ship beside dist/: <package>/templates. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));

export interface ScaffoldOptions {
  name: string;
  type: ExtensionType;
  language: Language;
  sandbox: boolean;
  /** Target folder (default: <cwd>/<last segment of name>). */
  directory?: string;
  cwd?: string;
  packageManager?: PackageManager;
  /** The @annex/sdk-extension spec written to devDependencies (default: `getSdkDependency()`). */
  sdkRange?: string;
}

export interface ScaffoldResult {
  dir: string;
  files: string[];
  packageJson: Record<string, unknown>;
}

export class ScaffoldError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME_RE = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Checks a package name the way npm does (lowercase, URL-safe, optionally scoped). */
export function validateName(name: string): string | null {
  if (!name) return 'a name is required';
  if (name.length > 214) return 'must be at most 214 characters';
  if (!NAME_RE.test(name))
    return 'must be a valid npm package name (lowercase letters, digits, -, ., _, optionally @scope/)';
  return null;
}

/** A meaningful extension id from the package name (`@acme/directus-extension-word-count` → `word-count`). */
export function extensionId(name: string): string {
  const bare = name.split('/').pop()!;
  return bare.replace(/^(directus|annex)-extension-(?=.)/, '');
}

function titleOf(id: string): string {
  return id
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

function manifestFor(type: ExtensionType, language: Language, sandbox: boolean): Record<string, unknown> {
  const ext = language === 'typescript' ? 'ts' : 'js';
  const sandboxOptions = sandbox ? { sandbox: { enabled: true, requestedScopes: { log: {} } } } : {};
  if (type === 'operation') {
    return {
      type,
      path: { app: 'dist/app.js', api: 'dist/api.js' },
      source: { app: `src/app.${ext}`, api: `src/api.${ext}` },
      host: DEFAULT_HOST_RANGE,
      ...sandboxOptions,
    };
  }
  if (type === 'bundle') {
    return {
      type,
      path: { app: 'dist/app.js', api: 'dist/api.js' },
      entries: [
        { type: 'endpoint', name: 'hello', source: `src/hello/index.${ext}` },
        { type: 'display', name: 'shout', source: `src/shout/index.${ext}` },
      ],
      host: DEFAULT_HOST_RANGE,
    };
  }
  return { type, path: 'dist/index.js', source: `src/index.${ext}`, host: DEFAULT_HOST_RANGE, ...sandboxOptions };
}

/** The package.json of a new extension (manifest exactly Directus-shaped). */
export function packageJsonFor(o: ScaffoldOptions): Record<string, unknown> {
  const isApp =
    (APP_EXTENSION_TYPES as readonly string[]).includes(o.type) || o.type === 'operation' || o.type === 'bundle';
  const devDependencies: Record<string, string> = {
    '@annex/sdk-extension': o.sdkRange ?? getSdkDependency(),
    vitest: '^4.0.0',
  };
  if (o.language === 'typescript') {
    devDependencies.typescript = '^5.9.0';
    if (!(APP_EXTENSION_TYPES as readonly string[]).includes(o.type)) devDependencies['@types/node'] = '^20.19.0';
  }
  if (isApp) devDependencies.vue = '^3.5.0';
  return {
    name: o.name,
    description: `An Annex ${o.type} extension`,
    icon: 'extension',
    version: '1.0.0',
    license: 'MIT',
    keywords: ['directus', 'directus-extension', `directus-extension-${o.type}`, 'annex-extension'],
    type: 'module',
    files: ['dist'],
    [EXTENSION_PKG_KEY]: manifestFor(o.type, o.language, o.sandbox),
    scripts: {
      build: 'annex-extension build',
      dev: 'annex-extension dev',
      validate: 'annex-extension validate',
      test: 'annex-extension test',
      link: 'annex-extension link',
      ...(o.type === 'bundle' ? { add: 'annex-extension add' } : {}),
    },
    devDependencies: Object.fromEntries(Object.entries(devDependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

/** Creates the project folder from the templates. Never overwrites: the folder must be absent or empty. */
export async function scaffold(o: ScaffoldOptions): Promise<ScaffoldResult> {
  const nameError = validateName(o.name);
  if (nameError) throw new ScaffoldError('CREATE_INVALID_NAME', `name ${nameError}`);
  if (o.sandbox && !(SANDBOXABLE_TYPES as readonly string[]).includes(o.type)) {
    throw new ScaffoldError(
      'CREATE_NOT_SANDBOXABLE',
      `a ${o.type} cannot be sandboxed (only ${SANDBOXABLE_TYPES.join(', ')})`,
    );
  }
  const dir = resolve(o.cwd ?? process.cwd(), o.directory ?? basename(o.name));
  try {
    if ((await readdir(dir)).length > 0)
      throw new ScaffoldError('CREATE_DIR_NOT_EMPTY', `${dir} exists and is not empty`);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true });

  const id = extensionId(o.name);
  const ext = o.language === 'typescript' ? 'ts' : 'js';
  const pm = o.packageManager ?? 'npm';
  const variant = o.sandbox ? `${o.type}-sandbox` : o.type;
  const sandboxNote = o.sandbox
    ? 'This extension runs in the Annex sandbox: it can import only `directus:api`, and each capability it\nuses (here `log`) is requested in `directus:extension.sandbox.requestedScopes` and granted by an admin.'
    : (SANDBOXABLE_TYPES as readonly string[]).includes(o.type)
      ? 'This extension runs in-process with full host access. Scaffold with `--sandbox` for an isolated one.'
      : '';
  const replace = (text: string) =>
    text
      .replaceAll('__NAME_MOUNT__', o.name)
      .replaceAll('__NAME__', o.name)
      .replaceAll('__ID__', id)
      .replaceAll('__TITLE__', titleOf(id))
      .replaceAll('__TYPE__', o.sandbox ? `sandboxed ${o.type}` : o.type)
      .replaceAll('__EXT__', ext)
      .replaceAll('__PM_RUN__', runScript(pm))
      .replaceAll('__SANDBOX_NOTE__', sandboxNote);

  const written: string[] = [];
  const put = async (rel: string, content: string) => {
    const target = join(dir, rel);
    await mkdir(resolve(target, '..'), { recursive: true });
    await writeFile(target, content);
    written.push(rel.split(sep).join('/'));
  };

  const source = join(TEMPLATES_DIR, variant);
  try {
    await stat(source);
  } catch {
    throw new ScaffoldError('CREATE_NO_TEMPLATE', `no template for ${variant}`);
  }
  // Templates are TypeScript; the JavaScript variant is made here by stripping the types.
  for (const file of await listFiles(source)) {
    const rel = relative(source, file);
    const text = await readFile(file, 'utf8');
    if (o.language === 'typescript') await put(rel, replace(text));
    else if (rel.endsWith('.ts')) await put(rel.replace(/\.ts$/, '.js'), replace(stripTypes(text, rel)));
    else if (rel.endsWith('.vue')) await put(rel, replace(stripVueTypes(text, rel)));
    else await put(rel, replace(text));
  }
  await put('README.md', replace(await readFile(join(TEMPLATES_DIR, 'common', 'README.md'), 'utf8')));
  await put('.gitignore', await readFile(join(TEMPLATES_DIR, 'common', '_gitignore'), 'utf8'));
  if (o.language === 'typescript') {
    await put('tsconfig.json', await readFile(join(TEMPLATES_DIR, 'common', 'tsconfig.json'), 'utf8'));
    await put('src/env.d.ts', await readFile(join(TEMPLATES_DIR, 'common', 'env.d.ts'), 'utf8'));
  }
  const packageJson = packageJsonFor(o);
  await put('package.json', JSON.stringify(packageJson, null, '\t') + '\n');
  return { dir, files: written.sort(), packageJson };
}
