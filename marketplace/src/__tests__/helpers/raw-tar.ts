import { createGzip } from 'node:zlib';

/**
 * A tiny ustar writer for tests: it writes whatever it is told (links, devices, `..`, absolute
 * paths, lying sizes), which real packers refuse to do.
 */
export interface RawEntry {
  path: string;
  /** ustar typeflag: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' dir, '6' fifo. */
  type?: string;
  content?: string | Buffer;
  /** Stream this many zero bytes as the content (for bombs) instead of `content`. */
  zeros?: number;
  linkpath?: string;
  mode?: number;
}

function writeString(block: Buffer, offset: number, length: number, value: string) {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`raw-tar: "${value}" does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number) {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

export function header(entry: RawEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  let name = entry.path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 1 - 0);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  const type = entry.type ?? '0';
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode ?? (type === '5' ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 499162500);
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(block, 156, 1, type);
  writeString(block, 157, 100, entry.linkpath ?? '');
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, 'root');
  writeString(block, 297, 32, 'root');
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const b of block) sum += b;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

const pad = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

/** Gzipped tarball of the entries, streamed (so multi-megabyte zero files stay cheap). */
export async function rawTarball(entries: RawEntry[], options: { truncateTo?: number } = {}): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((ok, fail) => {
    gzip.on('end', ok);
    gzip.on('error', fail);
  });
  const write = (b: Buffer) => new Promise<void>((ok) => (gzip.write(b) ? ok() : gzip.once('drain', ok)));
  let tar = Buffer.alloc(0);
  const chunks: Buffer[] = [];
  const emit = async (b: Buffer) => (options.truncateTo === undefined ? write(b) : void chunks.push(b));
  for (const entry of entries) {
    const content = entry.content === undefined ? Buffer.alloc(0) : Buffer.from(entry.content);
    const size = entry.zeros ?? content.length;
    await emit(header(entry, size));
    if (entry.zeros !== undefined) {
      const mb = Buffer.alloc(1024 * 1024);
      for (let left = entry.zeros; left > 0; left -= mb.length)
        await emit(left >= mb.length ? mb : mb.subarray(0, left));
    } else await emit(content);
    await emit(pad(size));
  }
  await emit(Buffer.alloc(1024));
  if (options.truncateTo !== undefined) {
    tar = Buffer.concat(chunks).subarray(0, options.truncateTo);
    await write(tar);
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

/** `package/package.json` + `package/dist/index.js` for a manifest, plus extra raw entries. */
export function packageEntries(pkg: Record<string, unknown>, extra: RawEntry[] = []): RawEntry[] {
  return [
    { path: 'package/package.json', content: JSON.stringify(pkg, null, 2) },
    { path: 'package/dist/index.js', content: 'export default () => {};\n' },
    ...extra,
  ];
}
