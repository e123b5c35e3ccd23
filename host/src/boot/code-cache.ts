import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/*
 * V8 code cache for one large CommonJS file (the bundled host): the bytecode V8 compiled during a
 * boot is kept in the host's cache folder and handed back to V8 on the next boot, which then skips
 * parsing and compiling what boot runs (Node 20 has no module.enableCompileCache). V8 checks only
 * the source's length and its own version and flags, so the entry is keyed by a hash of the source
 * (and the Node version). Cached bytecode is code: each entry is signed with a key derived from the
 * host's SECRET and one whose signature does not match is ignored, as for the transform cache.
 */

export interface CompiledScript {
  /** What the file's module.exports became. */
  readonly exports: unknown;
  /** `hit`: V8 took the cached bytecode; `miss`: none was kept (or it did not verify); `rejected`: V8 refused it. */
  readonly cache: 'hit' | 'miss' | 'rejected' | 'off';
  /** Writes the bytecode compiled so far (call after boot, so what boot ran is in it). No-op without a cache dir. */
  persist(): void;
}

const HEADER = 32; // HMAC-SHA256 of the data that follows

/** The cache file of `source` under `dir`: one file per source hash, so an edited file never meets old bytecode. */
export function getCodeCacheFile(dir: string, file: string, source: string | Buffer): string {
  const hash = createHash('sha256')
    .update(`${process.version}\0${process.arch}\0${file}\0`)
    .update(source)
    .digest('hex');
  return path.join(dir, `${path.basename(file)}-${hash.slice(0, 32)}.v8`);
}

function readSigned(cacheFile: string, key: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (data.length <= HEADER) return undefined;
  const body = data.subarray(HEADER);
  const mac = createHmac('sha256', key).update(body).digest();
  return timingSafeEqual(mac, data.subarray(0, HEADER)) ? body : undefined;
}

function writeSigned(cacheFile: string, key: Buffer, body: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    const prefix = `${path.basename(cacheFile).replace(/-[0-9a-f]{32}\.v8$/, '')}-`;
    // Older entries of the same file (a previous build) are removed: one entry per file.
    for (const old of fs.readdirSync(path.dirname(cacheFile)))
      if (old.startsWith(prefix) && old !== path.basename(cacheFile))
        fs.rmSync(path.join(path.dirname(cacheFile), old), { force: true });
    const tmp = `${cacheFile}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([createHmac('sha256', key).update(body).digest(), body]), { mode: 0o600 });
    fs.renameSync(tmp, cacheFile);
  } catch {
    /* best effort: the next boot compiles again */
  }
}

/**
 * Runs the CommonJS `file` as Node would (module wrapper, its own require), compiled with the
 * cached bytecode from `cacheDir` when a verified entry exists. No `cacheDir` (no SECRET to sign
 * with) compiles without a cache.
 */
export function runCommonJsWithCodeCache(file: string, options: { cacheDir?: string; secret: string }): CompiledScript {
  // Read as bytes: an ASCII file (esbuild writes bundles in ASCII) decodes without UTF-8's cost,
  // and the bytes are hashed as they are (hashing the string would encode it again): about 35 ms
  // less per boot for the 3.8 MB host bundle than readFileSync(file, 'utf8') and a string hash.
  const bytes = fs.readFileSync(file);
  const source = isAscii(bytes) ? bytes.toString('ascii') : bytes.toString('utf8');
  const key = createHash('sha256').update(`annex code cache\0${options.secret}`).digest();
  const cacheFile = options.cacheDir === undefined ? undefined : getCodeCacheFile(options.cacheDir, file, bytes);
  const cachedData = cacheFile === undefined ? undefined : readSigned(cacheFile, key);
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const cache =
    cacheFile === undefined
      ? 'off'
      : cachedData === undefined
        ? 'miss'
        : script.cachedDataRejected
          ? 'rejected'
          : 'hit';
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(file),
  );
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    cache,
    persist() {
      if (cacheFile !== undefined && cache !== 'hit') writeSigned(cacheFile, key, script.createCachedData());
    },
  };
}
