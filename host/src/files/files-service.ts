import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { errors } from '../errors.js';
import {
  ItemsService,
  type Item,
  type ItemsKernel,
  type ItemsServiceOptions,
  type MutationOptions,
  type PrimaryKey,
} from '../services/items.js';
import { FILE_COLUMNS, HOST_WRITE } from '../services/host-written.js';
import { assertFolderExists } from '../services/system-effects.js';
import type { AssetCache } from './asset-cache.js';
import type { Storage } from './storage.js';
import { HeadCapture, imageSize, imageSizeFromHead, isTransformable } from './transform.js';

export interface FilesKernel extends ItemsKernel {
  storage: Storage;
  maxUploadBytes: number;
  /** The images made from stored files by `/assets` presets, removed with their file. */
  assetCache?: AssetCache | undefined;
}

/** What an upload takes from the host, not from its caller: the host's columns, the key it makes, the update stamps. */
const SET_AT_UPLOAD = new Set([...FILE_COLUMNS, 'id', 'modified_by', 'modified_on']);

/** `report.PDF` → `.pdf`; anything odd → no extension. The client's name never reaches the disk. */
function extensionOf(name: string): string {
  const ext = path.extname(name).slice(1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? `.${ext}` : '';
}

/**
 * Directus's FilesService: `directus_files` rows through the items permissions, and the bytes in
 * storage. `uploadOne` is the only way to create a row; the storage columns are the host's
 * (the items service refuses them to every other writer: host-written.ts).
 */
export class FilesService extends ItemsService {
  constructor(
    protected readonly files: FilesKernel,
    options: ItemsServiceOptions,
  ) {
    super(files, 'directus_files', options);
  }

  /** FORBIDDEN unless the caller may create files, INVALID_PAYLOAD for a folder that does not exist (before any bytes are taken in). */
  async assertMayUpload(folder?: string): Promise<void> {
    await this.kernel.permissions.require(this.accountability, 'directus_files', 'create', this.knex);
    if (folder !== undefined) await assertFolderExists(this.knex, folder);
  }

  /** Stores `stream` and creates its row; a failure (size, permission) leaves neither behind. */
  async uploadOne(
    stream: Readable,
    data: {
      filename_download: string;
      type?: string;
      title?: string;
      description?: string;
      folder?: string;
      /** Any other field of the row (`tags`, `metadata`, a project's own field), under the caller's permissions. */
      [field: string]: unknown;
    },
  ): Promise<PrimaryKey> {
    // Permission first: a caller who may not create files does not get to fill the disk.
    await this.assertMayUpload(data.folder);
    const name = String(data.filename_download || 'file').slice(0, 255);
    const id = randomUUID();
    const key = `${id}${extensionOf(name)}`;
    const type = data.type || 'application/octet-stream';
    // An image's first bytes are kept on the way to storage: its size is read from them.
    const head = isTransformable(type) ? new HeadCapture() : null;
    const size = await this.files.storage.write(
      key,
      head ? stream.on('error', (err) => head.destroy(err)).pipe(head) : stream,
      this.files.maxUploadBytes,
    );
    try {
      // As Directus does, an image's dimensions are read from its header and kept on its row; only
      // a file whose header is not in its first bytes (WebP, TIFF) is read back from storage.
      const first = head?.head();
      const dimensions = first
        ? ((await imageSizeFromHead(first)) ??
          (size > first.length ? await imageSize(await this.files.storage.read(key)) : null))
        : null;
      const payload = {
        // What else the caller gave (Directus's uploadOne takes the row's fields); the host's own
        // columns below are the host's, whatever was given (the items service keeps them so too).
        ...Object.fromEntries(Object.entries(data).filter(([k]) => !SET_AT_UPLOAD.has(k))),
        id,
        storage: this.files.storage.location,
        filename_disk: key,
        filename_download: name,
        title: data.title ?? path.parse(name).name,
        type,
        description: data.description ?? null,
        ...(dimensions ?? {}),
        ...(data.folder !== undefined ? { folder: data.folder } : {}),
        filesize: size,
        uploaded_by: this.accountability.user,
        uploaded_on: new Date().toISOString(),
      };
      const created = await super.createOne(payload, { [HOST_WRITE]: true });
      void this.kernel.emitter.emitAction(
        'files.upload',
        { payload, key: created, collection: 'directus_files' },
        { database: this.knex, schema: null, accountability: this.accountability },
      );
      return created;
    } catch (err) {
      await this.files.storage.remove(key);
      throw err;
    }
  }

  /** The row (as the caller may read it) and a stream of its bytes. */
  async readFile(id: PrimaryKey): Promise<{ file: Item; stream: Readable }> {
    const file = await this.readOne(id, { fields: ['id', 'filename_disk', 'filename_download', 'type', 'filesize'] });
    if (!file.filename_disk) throw errors.FORBIDDEN();
    return { file, stream: await this.files.storage.read(String(file.filename_disk)) };
  }

  /** Deletes the rows, then their bytes (a row is never left pointing at a deleted file). */
  override async deleteMany(keys: PrimaryKey[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    const rows = await this.knex('directus_files').whereIn('id', keys).select('filename_disk');
    const deleted = await super.deleteMany(keys, opts);
    for (const r of rows)
      if (r.filename_disk) {
        await this.files.storage.remove(String(r.filename_disk)).catch(() => undefined);
        await this.files.assetCache?.purge(String(r.filename_disk));
      }
    return deleted;
  }
}
