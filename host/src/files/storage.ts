import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { errors } from '../errors.js';

/** Where uploaded files live (Directus's STORAGE_LOCATIONS; Annex has the `local` driver). */
export interface Storage {
  readonly location: string;
  /** Streams `source` to `key`, at most `maxBytes`; returns the size. Nothing is left behind on failure. */
  write(key: string, source: Readable, maxBytes: number): Promise<number>;
  /** The bytes of `key`; FORBIDDEN when they are gone (a row without its file). */
  read(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  /** Whether new files can be written (for the health check); the reason when not. */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** Keys are names the host made (`<uuid>.<ext>`): nothing a client sends reaches the file system. */
const KEY = /^[0-9a-f-]{36}(\.[a-z0-9]{1,10})?$/;

export function createLocalStorage(root: string): Storage {
  const file = (key: string) => {
    if (!KEY.test(key)) throw errors.INVALID_PAYLOAD({ reason: 'Invalid storage key.' });
    return path.join(root, key);
  };
  return {
    location: 'local',
    async write(key, source, maxBytes) {
      await fs.mkdir(root, { recursive: true, mode: 0o700 });
      const target = file(key);
      const partial = `${target}.part`;
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) done(errors.HOST_FILE_TOO_LARGE({ limit: maxBytes }));
          else done(null, chunk);
        },
      });
      try {
        await pipeline(source, limit, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
        await fs.rename(partial, target);
        return size;
      } catch (err) {
        await fs.rm(partial, { force: true });
        throw err;
      }
    },
    async read(key) {
      const target = file(key);
      await fs.access(target).catch(() => {
        throw errors.FORBIDDEN();
      });
      return createReadStream(target);
    },
    async remove(key) {
      await fs.rm(file(key), { force: true });
    },
    async check() {
      try {
        await fs.mkdir(root, { recursive: true, mode: 0o700 });
        await fs.access(root, fs.constants.W_OK);
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
