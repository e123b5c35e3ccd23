import { Readable } from 'node:stream';
import type { Item, PrimaryKey } from '../services/items.js';
import type { FilesService } from './files-service.js';
import type { AssetCache } from './asset-cache.js';
import {
  type AssetSettings,
  derivedImage,
  isTransformable,
  parseTransform,
  type TransformLimits,
} from './transform.js';

/** Directus's `transformationParams`: what `/assets` takes in its query, as values. */
export interface TransformationParams {
  key?: string;
  width?: number;
  height?: number;
  fit?: string;
  quality?: number;
  format?: string;
  withoutEnlargement?: boolean;
  /** Raw sharp operations: `[['blur', 5], …]` or their JSON text. */
  transforms?: unknown;
}

export interface AssetLimits extends TransformLimits {
  /** Takes a turn for a transformation: the host's one gate (`transformGateFor`). */
  gate: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The project's transformation policy and presets (`key`), as `/assets` reads them. */
  settings: () => Promise<AssetSettings>;
  /** Where presets' images are kept (none when the host has no SECRET to sign them with). */
  cache?: AssetCache | undefined;
}

/**
 * Directus's AssetsService for extensions: `getAsset(id, { transformationParams })` gives a file's
 * bytes as a stream, transformed the way `/assets/:id?width=…` (or `?key=` a preset, or
 * `transforms`) would be, under the project's policy, with its row and size.
 * It reads through FilesService, so the caller's permissions on directus_files apply; the
 * parameters are checked as the `/assets` query is (INVALID_QUERY for a bad one).
 */
export function createAssetsService(files: (options: unknown) => FilesService, limits: AssetLimits) {
  return class AssetsService {
    constructor(readonly options: unknown = {}) {}

    async getAsset(
      id: PrimaryKey,
      transformation?: { transformationParams?: TransformationParams },
    ): Promise<{ stream: Readable; file: Item; stat: { size: number; modified: Date | null } }> {
      const query: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(transformation?.transformationParams ?? {}))
        if (v !== undefined && v !== null) query[k] = k === 'transforms' || typeof v !== 'object' ? v : String(v);
      const transform = Object.keys(query).length > 0 ? parseTransform(query, limits, await limits.settings()) : null;
      const { file, stream } = await files(this.options).readFile(id);
      const type = String(file.type ?? 'application/octet-stream');
      const modified = file.uploaded_on ? new Date(String(file.uploaded_on)) : null;
      if (!transform || !isTransformable(type))
        return { stream, file, stat: { size: Number(file.filesize ?? 0), modified } };
      const out = await derivedImage({ file, stream }, transform, limits);
      return {
        stream: Readable.from([out.body]),
        file: { ...file, type: out.type },
        stat: { size: out.body.length, modified },
      };
    }
  };
}
