import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/*
 * The images made by `/assets` presets (`?key=`: Directus's system thumbnails and the project's
 * storage_asset_presets), kept on disk so a thumbnail is computed once, as Directus keeps its
 * derived assets in storage. Only presets are kept: there are few of them per file, whereas
 * arbitrary widths would let any reader fill the disk. One folder per stored file (by its storage
 * key), removed with the file. Each entry is signed with a key derived from SECRET (an entry
 * whose signature does not match is made again), and a cache that cannot be read or written is
 * skipped: the image is then made on every request.
 */

export interface DerivedImage {
  body: Buffer;
  type: string;
}

export interface AssetCache {
  readonly dir: string;
  /** The kept image for `parts` (the file's storage key, size and dates, the preset, the output format), or undefined. */
  get(storageKey: string, parts: readonly unknown[]): Promise<DerivedImage | undefined>;
  set(storageKey: string, parts: readonly unknown[], image: DerivedImage): Promise<void>;
  /** Removes every image made from a stored file (when the file is deleted). */
  purge(storageKey: string): Promise<void>;
}

/** `<signature hex> <type>\n` then the bytes. */
const HEADER = /^([0-9a-f]{64}) ([\w.+/-]{1,100})\n/;

export function createAssetCache(dir: string, secret: string): AssetCache {
  const key = createHash('sha256').update(`annex asset cache\0${secret}`).digest();
  const sign = (type: string, body: Buffer) =>
    createHmac('sha256', key).update(type).update('\0').update(body).digest();
  const hash = (text: string) => createHash('sha256').update(text).digest('hex');
  const folder = (storageKey: string) => path.join(dir, hash(storageKey).slice(0, 32));
  const entry = (storageKey: string, parts: readonly unknown[]) =>
    path.join(folder(storageKey), hash(JSON.stringify([storageKey, ...parts])).slice(0, 40));
  return {
    dir,
    async get(storageKey, parts) {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(entry(storageKey, parts));
      } catch {
        return undefined;
      }
      const head = HEADER.exec(bytes.subarray(0, 200).toString('latin1'));
      if (!head) return undefined;
      const body = bytes.subarray(head[0].length);
      return timingSafeEqual(Buffer.from(head[1]!, 'hex'), sign(head[2]!, body)) ? { body, type: head[2]! } : undefined;
    },
    async set(storageKey, parts, { body, type }) {
      if (!/^[\w.+/-]{1,100}$/.test(type)) return;
      try {
        const target = entry(storageKey, parts);
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        // Written aside and renamed: a reader never sees half an image.
        const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
        await fs.writeFile(
          tmp,
          Buffer.concat([Buffer.from(`${sign(type, body).toString('hex')} ${type}\n`, 'latin1'), body]),
          {
            mode: 0o600,
          },
        );
        await fs.rename(tmp, target);
      } catch {
        /* best effort: made again next time */
      }
    },
    async purge(storageKey) {
      await fs.rm(folder(storageKey), { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
