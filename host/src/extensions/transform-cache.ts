import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * On-disk cache of the CommonJS that esbuild makes from trusted ES-module entries (built-ins
 * included), so a boot whose entries did not change starts no esbuild service and waits for no
 * transform (issue 20: boot). Best effort: a cache that cannot be read or written is skipped.
 * Entries are keyed by everything the output depends on: esbuild's version, the transform
 * options (TRANSFORM_FORMAT, bumped when they change), the file's path (import.meta.url is
 * inlined) and its source. The folder sits in the host's data folder, next to the database, and
 * has the same owner-only modes.
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

export function createTransformCache(dir: string): TransformCache {
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  // One folder per entry file, holding only the output of its latest source (older ones are removed on write).
  const folder = (file: string) => path.join(dir, hash(file).slice(0, 32));
  const entry = (file: string, source: string) => path.join(folder(file), `${hash(`${getEsbuildVersion()}\0${TRANSFORM_FORMAT}\0${file}\0${source}`)}.cjs`);
  return {
    dir,
    async get(file, source) {
      try {
        return await fs.readFile(entry(file, source), 'utf8');
      } catch {
        return undefined;
      }
    },
    async set(file, source, code) {
      try {
        const target = entry(file, source);
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        for (const old of await fs.readdir(path.dirname(target))) if (!old.endsWith('.tmp')) await fs.rm(path.join(path.dirname(target), old), { force: true });
        // Written aside and renamed: a reader (another host on the same folder) never sees half a file.
        const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
        await fs.writeFile(tmp, code, { mode: 0o600 });
        await fs.rename(tmp, target);
      } catch {
        /* best effort: the next boot transforms again */
      }
    },
  };
}
