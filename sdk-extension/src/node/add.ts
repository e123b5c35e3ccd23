import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import {
  EXTENSION_PKG_KEY,
  NESTED_EXTENSION_TYPES,
  type BundleEntryOptions,
  type NestedExtensionType,
} from '@annex/protocol';
import { SdkErrors } from '../errors.js';
import { entryStubFiles, type Language } from '../internal/entry-stubs.js';
import { readManifest } from '../internal/package-json.js';

export interface AddRequest {
  cwd: string;
  type: string;
  name: string;
  language: Language;
  /** When converting a non-bundle: the entry name the existing extension gets (default: its type). */
  convertName?: string;
}

export interface AddResult {
  converted: boolean;
  entries: { type: string; name: string }[];
  created: string[];
}

const NAME_RE = /^[a-z0-9][a-z0-9-_]*$/;

/** Adds an entry to a bundle, converting a single extension into a bundle first if needed. */
export async function add(req: AddRequest): Promise<AddResult> {
  if (!(NESTED_EXTENSION_TYPES as readonly string[]).includes(req.type)) {
    throw SdkErrors.SDK_ADD_FAILED({
      message: `--type must be one of ${NESTED_EXTENSION_TYPES.join(', ')} (got "${req.type}")`,
    });
  }
  if (!NAME_RE.test(req.name))
    throw SdkErrors.SDK_ADD_FAILED({
      message: `--name must be lowercase letters, digits, "-" or "_" (got "${req.name}")`,
    });
  const read = await readManifest(req.cwd);
  if (!read.ok) throw SdkErrors.SDK_ADD_FAILED({ message: read.diagnostics.map((d) => d.message).join('; ') });
  const pkg = read.pkg;
  const options = read.manifest[EXTENSION_PKG_KEY];
  const created: string[] = [];
  let entries: BundleEntryOptions[];
  let converted = false;

  if (options.type === 'bundle') {
    entries = [...options.entries];
  } else {
    // Move the current sources under src/<convertName>/ and describe them as the first entry.
    const convertName = req.convertName ?? options.type;
    if (!NAME_RE.test(convertName))
      throw SdkErrors.SDK_ADD_FAILED({ message: `--convert-name must be lowercase letters, digits, "-" or "_"` });
    const src = join(req.cwd, 'src');
    const dest = join(src, convertName);
    const items = (await readdir(src)).filter((f) => f !== convertName);
    await mkdir(dest, { recursive: true });
    for (const item of items) await rename(join(src, item), join(dest, item));
    const relocate = (p: string) => posix.join('src', convertName, posix.relative('src', p));
    const source =
      'source' in options && options.source !== undefined
        ? typeof options.source === 'string'
          ? relocate(options.source)
          : { app: relocate(options.source.app), api: relocate(options.source.api) }
        : undefined;
    entries = [{ type: options.type, name: convertName, source } as BundleEntryOptions];
    const sandboxed = 'sandbox' in options && options.sandbox?.enabled;
    pkg[EXTENSION_PKG_KEY] = {
      type: 'bundle',
      path: { app: 'dist/app.js', api: 'dist/api.js' },
      entries: [],
      host: options.host,
      ...(options.hidden !== undefined ? { hidden: options.hidden } : {}),
    };
    if (sandboxed) created.push('(note: bundles cannot be sandboxed; the sandbox option was dropped)');
    if (Array.isArray(pkg.keywords))
      pkg.keywords = (pkg.keywords as string[]).map((k) =>
        k.startsWith('directus-extension-') ? 'directus-extension-bundle' : k,
      );
    converted = true;
  }

  if (entries.some((e) => e.name === req.name))
    throw SdkErrors.SDK_ADD_FAILED({ message: `the bundle already has an entry named "${req.name}"` });
  const stub = entryStubFiles(req.type as NestedExtensionType, req.name, req.language);
  const entryDir = join(req.cwd, 'src', req.name);
  await mkdir(entryDir, { recursive: true });
  for (const [file, text] of Object.entries(stub.files)) {
    await writeFile(join(entryDir, file), text);
    created.push(posix.join('src', req.name, file));
  }
  const rel = (p: string) => posix.join('src', req.name, p);
  entries.push({
    type: req.type,
    name: req.name,
    source:
      typeof stub.source === 'string' ? rel(stub.source) : { app: rel(stub.source.app), api: rel(stub.source.api) },
  } as BundleEntryOptions);
  (pkg[EXTENSION_PKG_KEY] as { entries: BundleEntryOptions[] }).entries = entries;
  await writeFile(join(req.cwd, 'package.json'), JSON.stringify(pkg, null, '\t') + '\n');
  return { converted, entries: entries.map((e) => ({ type: e.type, name: e.name })), created };
}
