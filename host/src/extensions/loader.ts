import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { errors } from '../errors.js';
import { createTransformCache, type TransformCache } from './transform-cache.js';
import { importUrl } from './import-url.js';
import { transform } from './esbuild-service.js';

function isCommonJs(file: string, source: string, pkgType: string | undefined): boolean {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  if (pkgType === 'module') return false;
  // No "type": Node treats .js as CommonJS, but Directus-built ESM files exist without it; sniff.
  return !/^\s*(import\s|export\s)|\n\s*(import\s+[\w{*]|export\s+(default|const|function|class|\{|\*|async))/m.test(
    source,
  );
}

function evaluateCommonJs(code: string, file: string): unknown {
  const require = createRequire(file);
  const module = { exports: {} as unknown };
  const fn = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  fn(module.exports, require, module, file, path.dirname(file));
  return module.exports;
}

/**
 * Loads a trusted entry file as a fresh module instance with nothing cached by Node, so a
 * reload does not keep the previous module graph alive (no `import('?t=')` leak): ESM is
 * transformed to CommonJS with esbuild and evaluated with its own `require`. Top-level await
 * cannot be transformed; those files fall back to a native import keyed by content hash.
 */
let transformCache: TransformCache | undefined;

/** Where transformed entries are kept between boots (the host's cache folder) and the secret that signs them; no dir turns the cache off. */
export function setTransformCache(dir: string | undefined, secret = ''): void {
  transformCache = dir === undefined ? undefined : createTransformCache(dir, secret);
}

export async function loadTrustedModule(file: string, pkgType: string | undefined, id: string): Promise<unknown> {
  let source: string;
  try {
    // Read synchronously, as Node's module loader does: a promise-based read's trips through the
    // thread pool cost several times the CPU of the read itself, on every activation and reload.
    source = fs.readFileSync(file, 'utf8');
  } catch {
    throw errors.HOST_ENTRY_NOT_FOUND({ id, file });
  }
  try {
    if (isCommonJs(file, source, pkgType)) return evaluateCommonJs(source, file);
    const url = pathToFileURL(file).href;
    const cache = transformCache;
    const cached = await cache?.get(file, source);
    if (cached !== undefined) return evaluateCommonJs(cached, file);
    let code: string;
    try {
      ({ code } = await transform(source, {
        loader: 'js',
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        sourcefile: file,
        sourcemap: 'inline',
        define: {
          'import.meta.url': JSON.stringify(url),
          'import.meta.filename': JSON.stringify(file),
          'import.meta.dirname': JSON.stringify(path.dirname(file)),
        },
        logLevel: 'silent',
      }));
    } catch (e) {
      const text = String((e as { errors?: { text: string }[] }).errors?.[0]?.text ?? (e as Error).message);
      if (/top-level await/i.test(text)) {
        const hash = createHash('sha1').update(source).digest('hex').slice(0, 12);
        return await importUrl(`${url}?v=${hash}`);
      }
      throw e;
    }
    await cache?.set(file, source, code);
    return evaluateCommonJs(code, file);
  } catch (e) {
    if (e && typeof e === 'object' && (e as { code?: string }).code === 'HOST_ENTRY_NOT_FOUND') throw e;
    const err = e as { errors?: { text: string; location?: { line: number; column: number } }[]; message?: string };
    const first = err.errors?.[0];
    const reason = first
      ? `${first.text} (${path.basename(file)}:${first.location?.line ?? '?'}:${first.location?.column ?? '?'})`
      : String(err.message ?? e);
    throw errors.HOST_ENTRY_LOAD_FAILED({ id, reason }, { cause: e });
  }
}
