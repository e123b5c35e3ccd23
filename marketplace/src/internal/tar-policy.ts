import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { MarketplaceErrors as E, isMarketplaceError } from '../errors.js';

/** Caps applied to every tarball the marketplace reads (publish and install). */
export interface TarLimits {
  /** Entries of any kind (files and directories). */
  maxEntries: number;
  /** Sum of the sizes of all files once unpacked. */
  maxUnpackedBytes: number;
  /** Decompressed bytes per compressed byte, checked once `ratioFloorBytes` are out. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxEntries: 10_000,
  maxUnpackedBytes: 100 * 1024 * 1024,
  maxCompressionRatio: 200,
  ratioFloorBytes: 4 * 1024 * 1024,
};

/** The npm-pack layout: every entry lives under this folder. */
export const PACKAGE_ROOT = 'package';
const MAX_PATH_LENGTH = 1024;

export type EntryKind = 'file' | 'dir';

/**
 * Checks one entry header against the policy and returns its path relative to `package/`
 * ('' for the root folder itself). Throws the coded error naming what is wrong.
 */
export function checkEntry(entry: { path: string; type: string; linkpath?: string }): { kind: EntryKind; rel: string } {
  const path = entry.path;
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path))
    throw E.MKT_TAR_ABSOLUTE_PATH({ entry: path });
  const segments = path.split(/[/\\]+/);
  if (segments.includes('..')) throw E.MKT_TAR_PATH_TRAVERSAL({ entry: path });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path))
    throw E.MKT_TAR_BAD_PATH({ entry: JSON.stringify(path), reason: 'control character' });
  if (path.includes('\\')) throw E.MKT_TAR_BAD_PATH({ entry: path, reason: 'backslash' });
  if (path.length > MAX_PATH_LENGTH) throw E.MKT_TAR_BAD_PATH({ entry: path.slice(0, 80), reason: 'too long' });

  switch (entry.type) {
    case 'SymbolicLink':
      throw E.MKT_TAR_SYMLINK({ entry: path });
    case 'Link':
      throw E.MKT_TAR_HARDLINK({ entry: path });
    case 'CharacterDevice':
    case 'BlockDevice':
    case 'FIFO':
      throw E.MKT_TAR_DEVICE({ entry: path, type: entry.type });
  }
  const kind: EntryKind | undefined =
    entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile'
      ? 'file'
      : entry.type === 'Directory'
        ? 'dir'
        : undefined;
  if (!kind) throw E.MKT_TAR_UNSUPPORTED_ENTRY({ entry: path, type: entry.type });
  // A link target on a file or folder (a PAX `linkpath` record before it) is malformed: refused in the
  // inspection pass, before anything is written, instead of reaching the extractor.
  if (entry.linkpath) throw E.MKT_TAR_CORRUPT({ reason: `${path}: a ${kind} entry carries a link target` });

  const parts = segments.filter((s) => s !== '' && s !== '.');
  if (parts[0] !== PACKAGE_ROOT || (kind === 'file' && parts.length < 2)) throw E.MKT_TAR_LAYOUT({ entry: path });
  return { kind, rel: parts.slice(1).join('/') };
}

export interface TarInspection {
  entryCount: number;
  fileCount: number;
  unpackedSize: number;
  /** Relative paths (under `package/`) of every file. */
  files: Set<string>;
  /** Contents of the files asked for with `capture` (small files only). */
  captured: Map<string, Buffer>;
}

export interface InspectOptions {
  limits?: Partial<TarLimits>;
  /** Return true for relative paths whose content should be kept (capped at 1 MiB each). */
  capture?: (rel: string) => boolean;
}

const CAPTURE_MAX = 1024 * 1024;

/**
 * Reads a gzipped tarball once, without writing anything, and refuses it with a coded error
 * at the first entry or byte that breaks the policy (links, devices, absolute or escaping
 * paths, duplicates, entry/size caps, compression bombs, corrupt data).
 */
export async function inspectTarball(
  input: { file: string } | { buffer: Uint8Array },
  options: InspectOptions = {},
): Promise<TarInspection> {
  const limits = { ...DEFAULT_TAR_LIMITS, ...options.limits };
  const compressedSize = 'file' in input ? (await stat(input.file)).size : input.buffer.byteLength;
  const source = 'file' in input ? createReadStream(input.file) : Readable.from([Buffer.from(input.buffer)]);
  const result: TarInspection = { entryCount: 0, fileCount: 0, unpackedSize: 0, files: new Set(), captured: new Map() };
  // Case-folded, so two entries cannot shadow each other on a case-insensitive file system.
  const fileKeys = new Set<string>();
  const dirKeys = new Set<string>();
  const claimPath = (rel: string, kind: EntryKind, raw: string) => {
    const key = rel.toLowerCase();
    const parts = key.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (fileKeys.has(parent)) throw E.MKT_TAR_DUPLICATE_ENTRY({ entry: raw });
      dirKeys.add(parent);
    }
    if (fileKeys.has(key) || (kind === 'file' && dirKeys.has(key))) throw E.MKT_TAR_DUPLICATE_ENTRY({ entry: raw });
    (kind === 'file' ? fileKeys : dirKeys).add(key);
  };

  return new Promise<TarInspection>((resolve, reject) => {
    let settled = false;
    const gunzip = createGunzip();
    const counter = new RatioGuard(compressedSize, limits);
    const parser = new Parser({ strict: true, onReadEntry: onEntry });

    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      gunzip.destroy();
      counter.destroy();
      parser.abort(new Error('aborted'));
      reject(isMarketplaceError(error) ? error : E.MKT_TAR_CORRUPT({ reason: describe(error) }, { cause: error }));
    };

    function onEntry(entry: ReadEntry) {
      try {
        result.entryCount++;
        if (result.entryCount > limits.maxEntries) throw E.MKT_TAR_TOO_MANY_ENTRIES({ limit: limits.maxEntries });
        const { kind, rel } = checkEntry(entry);
        claimPath(rel, kind, entry.path);
        if (kind === 'file') {
          result.fileCount++;
          result.files.add(rel);
          result.unpackedSize += entry.size ?? 0;
          if (result.unpackedSize > limits.maxUnpackedBytes) {
            // A declared size far beyond the compressed size is a bomb, not a big package.
            throw result.unpackedSize / compressedSize > limits.maxCompressionRatio
              ? E.MKT_TAR_GZIP_BOMB({ limit: limits.maxCompressionRatio })
              : E.MKT_TAR_TOO_LARGE({ limit: limits.maxUnpackedBytes });
          }
          if (options.capture?.(rel) && (entry.size ?? 0) <= CAPTURE_MAX) {
            const chunks: Buffer[] = [];
            entry.on('data', (c: Buffer) => chunks.push(c));
            entry.on('end', () => result.captured.set(rel, Buffer.concat(chunks)));
            return;
          }
        }
        // a bare Parser (unlike tar.t) waits until each entry's data is consumed
        entry.resume();
      } catch (error) {
        fail(error);
      }
    }

    // entry types tar does not know (sparse files, tape volumes, …) never reach onReadEntry
    parser.on('ignoredEntry', (entry: ReadEntry) =>
      fail(E.MKT_TAR_UNSUPPORTED_ENTRY({ entry: entry.path, type: entry.type })),
    );
    parser.on('error', fail);
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(result);
    });
    for (const s of [source, gunzip, counter]) s.on('error', fail);
    source.pipe(gunzip).pipe(counter);
    counter.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (parser.write(chunk) === false) {
        counter.pause();
        parser.once('drain', () => counter.resume());
      }
    });
    counter.on('end', () => {
      if (!settled) parser.end();
    });
  });
}

/** Counts decompressed bytes and aborts on an excessive ratio or absolute size. */
class RatioGuard extends Transform {
  private out = 0;
  constructor(
    private readonly compressedSize: number,
    private readonly limits: TarLimits,
  ) {
    super();
  }
  /** The first bytes, held until there are enough to look for a compression magic. */
  private head: Buffer | null = Buffer.alloc(0);

  override _flush(cb: TransformCallback): void {
    // Fewer than 4 bytes in all: not a tar; let the parser say so.
    if (this.head?.length) {
      if (startsCompressed(this.head))
        return cb(E.MKT_TAR_CORRUPT({ reason: 'the archive is compressed twice (or hides a second archive)' }));
      this.push(this.head);
    }
    this.head = null;
    cb();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    // A tar never starts with a compression magic. tar's parser would decompress such a stream a
    // second time while extraction (which decompresses once) would not: what was inspected and what
    // lands on disk would be two different archives. Checked on the first 4 bytes however they are chunked.
    if (this.head) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 4) return cb();
      chunk = this.head;
      this.head = null;
      if (startsCompressed(chunk)) {
        cb(E.MKT_TAR_CORRUPT({ reason: 'the archive is compressed twice (or hides a second archive)' }));
        return;
      }
    }
    this.out += chunk.length;
    if (
      this.out > this.limits.ratioFloorBytes &&
      this.out / Math.max(1, this.compressedSize) > this.limits.maxCompressionRatio
    ) {
      cb(E.MKT_TAR_GZIP_BOMB({ limit: this.limits.maxCompressionRatio }));
      return;
    }
    // headers and padding add at most 1.5 KiB per entry on top of the file sizes
    if (this.out > this.limits.maxUnpackedBytes + this.limits.maxEntries * 1536) {
      cb(E.MKT_TAR_TOO_LARGE({ limit: this.limits.maxUnpackedBytes }));
      return;
    }
    cb(null, chunk);
  }
}

/** gzip (1f 8b), zstd (28 b5 2f fd) or a lone 1f (a gzip magic cut short) at the start of a decompressed stream. */
function startsCompressed(chunk: Buffer): boolean {
  return (
    (chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) ||
    (chunk.length >= 4 && chunk.readUInt32BE(0) === 0x28b52ffd)
  );
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as Error).message);
  return String(error);
}
