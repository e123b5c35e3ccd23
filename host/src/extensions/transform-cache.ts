import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * On-disk cache of the CommonJS that esbuild makes from trusted ES-module entries (built-ins
 * included), so a boot whose entries did not change starts no esbuild service and waits for no
 * transform (issue 20: boot). Best effort: a cache that cannot be read or written is skipped.
 * Entries are keyed by everything the output depends on: esbuild's version, the transform
 * options (TRANSFORM_FORMAT, bumped when they change), the file's path (import.meta.url is
 * inlined) and its source. The folder sits in the host's cache folder (ANNEX_CACHE_DIR, by default
 * in the data folder next to the database), with owner-only modes; several hosts may share it.
 * Each file is signed with a key derived from the host's SECRET and a file whose signature does
 * not match is transformed again: write access to the cache folder must not become code execution
 * in the host.
 */
export const TRANSFORM_FORMAT = '1';

let esbuildVersion: string | undefined;
function getEsbuildVersion(): string {
  esbuildVersion ??= (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;
  return esbuildVersion;
}

export interface TransformCache {
  readonly dir: string;
  get(file: string, source: string): Promise<string | undefined>;
  set(file: string, source: string, code: string): Promise<void>;
}

const SIGNATURE = /^\/\/annex-transform ([0-9a-f]{64})\n/;

export function createTransformCache(dir: string, secret: string): TransformCache {
  const key = createHash('sha256').update(`annex transform cache\0${secret}`).digest();
  const sign = (code: string) => createHmac('sha256', key).update(code).digest();
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  // One folder per entry file, holding only the output of its latest source (older ones are removed on write).
  const folder = (file: string) => path.join(dir, hash(file).slice(0, 32));
  const entry = (file: string, source: string) =>
    path.join(folder(file), `${hash(`${getEsbuildVersion()}\0${TRANSFORM_FORMAT}\0${file}\0${source}`)}.cjs`);
  return {
    dir,
    async get(file, source) {
      let text: string;
      try {
        // Synchronous, like the entry's own read (loader.ts): one small file per activation.
        text = readFileSync(entry(file, source), 'utf8');
      } catch {
        return undefined;
      }
      const signed = SIGNATURE.exec(text);
      if (!signed) return undefined;
      const code = text.slice(signed[0].length);
      return timingSafeEqual(Buffer.from(signed[1]!, 'hex'), sign(code)) ? code : undefined;
    },
    async set(file, source, code) {
      try {
        const target = entry(file, source);
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        // Not the entry itself: another host on the same folder may have just written it, and a
        // reader between its removal and our rename would transform again for nothing.
        for (const old of await fs.readdir(path.dirname(target)))
          if (!old.endsWith('.tmp') && old !== path.basename(target))
            await fs.rm(path.join(path.dirname(target), old), { force: true });
        // Written aside and renamed: a reader (another host on the same folder) never sees half a file.
        const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
        await fs.writeFile(tmp, `//annex-transform ${sign(code).toString('hex')}\n${code}`, { mode: 0o600 });
        await fs.rename(tmp, target);
      } catch {
        /* best effort: the next boot transforms again */
      }
    },
  };
}
