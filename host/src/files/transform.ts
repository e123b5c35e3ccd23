import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type Sharp from 'sharp';
import { errors } from '../errors.js';
import type { AssetCache, DerivedImage } from './asset-cache.js';

/** sharp (a native module) is loaded on the first transformation: if it cannot load, only transformations fail. */
let loaded: Promise<typeof Sharp> | undefined;
function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import('sharp').then((m) => m.default);
  return loaded.catch((err) => {
    throw errors.SERVICE_UNAVAILABLE({
      service: 'assets',
      reason: `Image transformations are unavailable: sharp could not be loaded (${err instanceof Error ? err.message : String(err)}).`,
    });
  });
}

/**
 * Directus's `/assets` image transformations: `width`, `height`, `fit`, `quality`, `format`,
 * `withoutEnlargement`, a named preset (`key`: Directus's system presets and the project's
 * `storage_asset_presets`) and raw sharp operations (`transforms`, from Directus's list of
 * methods), under the project's `storage_asset_transform` policy. Only these types are
 * transformed; any other file is served as it is, as Directus does.
 */
const TRANSFORMABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/tiff']);
/** What libvips must find in the bytes: a file typed as a PNG but holding SVG, PDF or anything else is not decoded. */
const DECODABLE = new Set(['jpeg', 'png', 'webp', 'heif', 'tiff']);
const FITS = ['cover', 'contain', 'inside', 'outside'] as const;
const FORMATS: Record<string, OutputFormat> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  tiff: 'tiff',
};
const TYPE_OF: Record<OutputFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
};
/** The query parameters Directus reads as a transformation (`ASSET_TRANSFORM_QUERY_KEYS`). */
const KEYS = ['key', 'transforms', 'width', 'height', 'format', 'fit', 'quality', 'withoutEnlargement'];
/** Parameters Directus takes that Annex does not: refused, not silently ignored. */
const UNSUPPORTED = ['focal_point_x', 'focal_point_y'];
/**
 * The sharp methods a `transforms` list may name: Directus's `TransformationMethods`. None of them
 * reads a file or another image (no `composite`, `joinChannel` or `boolean`).
 */
const METHODS = new Set([
  'toFormat',
  'jpeg',
  'png',
  'tiff',
  'webp',
  'avif',
  'resize',
  'extend',
  'extract',
  'trim',
  'rotate',
  'flip',
  'flop',
  'sharpen',
  'median',
  'blur',
  'flatten',
  'gamma',
  'negate',
  'normalise',
  'normalize',
  'clahe',
  'convolve',
  'threshold',
  'linear',
  'recomb',
  'modulate',
  'tint',
  'greyscale',
  'grayscale',
  'toColorspace',
  'toColourspace',
  'removeAlpha',
  'ensureAlpha',
  'extractChannel',
  'bandbool',
]);

/** Directus's system presets (`SYSTEM_ASSET_ALLOW_LIST`): the app's thumbnails, allowed under every policy. */
export const SYSTEM_ASSET_PRESETS: readonly AssetPreset[] = [
  ['system-small-cover', 64, 64, 'cover'],
  ['system-small-contain', 64, undefined, 'contain'],
  ['system-medium-cover', 300, 300, 'cover'],
  ['system-medium-contain', 300, undefined, 'contain'],
  ['system-large-cover', 800, 800, 'cover'],
  ['system-large-contain', 800, undefined, 'contain'],
].map(([key, width, height, fit]) => ({
  key: key as string,
  format: 'auto',
  transforms: [['resize', { width, ...(height ? { height } : {}), fit }]],
}));

type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff';

/** One sharp call of a `transforms` list: the method's name, then its arguments. */
export type TransformOperation = [string, ...unknown[]];

/** A named transformation of `storage_asset_presets` (Directus's shape; values as stored). */
export interface AssetPreset {
  key: string;
  width?: unknown;
  height?: unknown;
  fit?: unknown;
  quality?: unknown;
  format?: unknown;
  withoutEnlargement?: unknown;
  transforms?: unknown;
}

/** The project's transformation settings: `storage_asset_transform` and `storage_asset_presets`. */
export interface AssetSettings {
  /** `all` (any transformation), `presets` (named ones only), `none` (the system presets only). */
  transform: 'all' | 'presets' | 'none';
  presets: readonly AssetPreset[];
}

export const DEFAULT_ASSET_SETTINGS: AssetSettings = { transform: 'all', presets: [] };

export interface ImageTransform {
  width?: number;
  height?: number;
  fit: (typeof FITS)[number];
  quality?: number;
  format?: OutputFormat | 'auto';
  withoutEnlargement: boolean;
  /** sharp calls after the resize, in order (checked against `METHODS` and the limits). */
  transforms: TransformOperation[];
  /** The preset (`key`) it was read from: its images are kept (asset-cache.ts). */
  preset?: string;
}

export interface TransformLimits {
  /** Largest width or height of the source and of the result. */
  maxDimension: number;
  /** Operations a `transforms` list may hold (ASSETS_TRANSFORM_MAX_OPERATIONS; 5 when not given). */
  maxOperations?: number;
  /** How long libvips may work on one transformation (ASSETS_TRANSFORM_TIMEOUT). */
  timeoutMs?: number;
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') throw errors.INVALID_QUERY({ reason: `"${name}" must be given once.` });
  return v;
}

function integer(query: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = one(query, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw errors.INVALID_QUERY({ reason: `"${name}" must be a whole number from ${min} to ${max}.` });
  return n;
}

/**
 * The transformation a query (or a preset, or an extension's `transformationParams`) asks for, or
 * null when it asks for none. Bad values, an unknown preset, or a transformation the project's
 * policy does not allow: INVALID_QUERY, with Directus's reasons.
 */
export function parseTransform(
  query: Record<string, unknown>,
  limits: TransformLimits,
  settings: AssetSettings = DEFAULT_ASSET_SETTINGS,
): ImageTransform | null {
  for (const name of UNSUPPORTED)
    if (query[name] !== undefined)
      throw errors.INVALID_QUERY({
        reason: `"${name}" is not supported on /assets (the file's focal point is not kept).`,
      });
  const given = KEYS.filter((k) => query[k] !== undefined && query[k] !== null);
  if (given.length === 0) return null;
  const key = one(query, 'key');
  if (key !== undefined && given.length > 1)
    throw errors.INVALID_QUERY({
      reason: `You can't combine the "key" query parameter with any other transformation.`,
    });
  const system = SYSTEM_ASSET_PRESETS.find((p) => p.key === key);
  const preset = system ?? settings.presets.find((p) => p.key === key);
  // The policy first (Directus's order): nothing but the system presets, or nothing but presets.
  if (!system && settings.transform === 'none') throw disabled();
  if (!preset && settings.transform === 'presets')
    throw errors.INVALID_QUERY({ reason: 'Only configured presets can be used in asset generation.' });
  if (key !== undefined && !preset) throw errors.INVALID_QUERY({ reason: `Key "${key}" isn't configured.` });
  const transform = readParameters(preset ? { ...preset } : query, limits);
  return transform && preset ? { ...transform, preset: preset.key } : transform;
}

/** Whether a query asks for a transformation at all (only then are the project's settings read). */
export const asksForTransform = (query: Record<string, unknown>): boolean =>
  [...KEYS, ...UNSUPPORTED].some((k) => query[k] !== undefined);

/**
 * The project's settings from a `directus_settings` row: an unknown policy reads as `all` (Directus's
 * default), presets without a string key are left out.
 */
export function assetSettingsOf(row: Record<string, unknown> | undefined): AssetSettings {
  const policy = row?.storage_asset_transform;
  let presets = row?.storage_asset_presets;
  if (typeof presets === 'string') {
    try {
      presets = JSON.parse(presets);
    } catch {
      presets = [];
    }
  }
  return {
    transform: policy === 'presets' || policy === 'none' ? policy : 'all',
    presets: Array.isArray(presets)
      ? presets.filter((p): p is AssetPreset => typeof p?.key === 'string' && p.key !== '')
      : [],
  };
}

/** The project's transformation settings, read from the settings singleton through `settings` (a SettingsService). */
export async function readAssetSettings(settings: {
  readSingleton(query: { fields: string[] }): Promise<Record<string, unknown>>;
}): Promise<AssetSettings> {
  return assetSettingsOf(
    await settings.readSingleton({ fields: ['storage_asset_transform', 'storage_asset_presets'] }),
  );
}

const disabled = () => errors.INVALID_QUERY({ reason: 'Dynamic asset generation has been disabled for this project.' });

function readParameters(query: Record<string, unknown>, limits: TransformLimits): ImageTransform | null {
  const width = integer(query, 'width', 1, limits.maxDimension);
  const height = integer(query, 'height', 1, limits.maxDimension);
  const quality = integer(query, 'quality', 1, 100);
  const fit = one(query, 'fit');
  const format = one(query, 'format');
  const enlarge = one(query, 'withoutEnlargement');
  const transforms = operations(query.transforms, limits);
  if (width === undefined && height === undefined && quality === undefined && format === undefined) {
    if (fit !== undefined || enlarge !== undefined)
      throw errors.INVALID_QUERY({ reason: '"fit" and "withoutEnlargement" need a width or a height.' });
    if (transforms.length === 0) return null;
  }
  if (fit !== undefined && !(FITS as readonly string[]).includes(fit))
    throw errors.INVALID_QUERY({ reason: `"fit" must be one of ${FITS.join(', ')}.` });
  if (format !== undefined && format !== 'auto' && !Object.hasOwn(FORMATS, format))
    throw errors.INVALID_QUERY({ reason: `"format" must be one of ${[...Object.keys(FORMATS), 'auto'].join(', ')}.` });
  if (enlarge !== undefined && enlarge !== 'true' && enlarge !== 'false')
    throw errors.INVALID_QUERY({ reason: '"withoutEnlargement" must be true or false.' });
  return {
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(quality !== undefined ? { quality } : {}),
    ...(format !== undefined ? { format: format === 'auto' ? 'auto' : FORMATS[format]! } : {}),
    fit: (fit as ImageTransform['fit'] | undefined) ?? 'cover',
    withoutEnlargement: enlarge === 'true',
    transforms,
  };
}

const badList = (detail: string) =>
  errors.INVALID_QUERY({
    reason: `"transforms" Parameter needs to be a JSON array of allowed transformations (${detail}).`,
  });

/**
 * A `transforms` list (JSON text from a query, or an array from a preset or an extension): each
 * `[method, ...arguments]` with a method of Directus's list, at most `maxOperations` of them, and
 * arguments of plain JSON within bounds (numbers up to the largest dimension, short strings, small
 * lists and objects), so no call can make an image larger than twice the largest dimension a side.
 */
function operations(value: unknown, limits: TransformLimits): TransformOperation[] {
  if (value === undefined || value === null) return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      throw badList('not JSON');
    }
  }
  if (!Array.isArray(list)) throw badList('not an array');
  const max = limits.maxOperations ?? 5;
  if (list.length > max)
    throw errors.INVALID_QUERY({ reason: `"transforms" Parameter is only allowed ${max} transformations.` });
  return list.map((op) => {
    if (!Array.isArray(op) || typeof op[0] !== 'string') throw badList('each is [method, ...arguments]');
    const [method, ...args] = op as [string, ...unknown[]];
    if (!METHODS.has(method))
      throw errors.INVALID_QUERY({ reason: `"transforms" Parameter does not allow "${method}" as a transformation.` });
    const budget = { values: 1000 };
    for (const arg of args) checkArgument(arg, limits.maxDimension, budget, 0);
    if (method === 'toFormat' && !(typeof args[0] === 'string' && Object.hasOwn(FORMATS, args[0])))
      throw errors.INVALID_QUERY({ reason: `"toFormat" takes one of ${Object.keys(FORMATS).join(', ')}.` });
    if (method === 'extend') {
      const e = args[0];
      const side = (k: string) =>
        typeof e === 'number' ? e : Number((e as Record<string, unknown> | undefined)?.[k] ?? 0);
      if (side('top') + side('bottom') > limits.maxDimension || side('left') + side('right') > limits.maxDimension)
        throw errors.INVALID_QUERY({
          reason: `"extend" may add at most ${limits.maxDimension} pixels across and down.`,
        });
    }
    return [method, ...args];
  });
}

function checkArgument(value: unknown, max: number, budget: { values: number }, depth: number): void {
  if (--budget.values < 0 || depth > 3) throw badList('arguments too large');
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > max) throw badList(`a number beyond ${max}`);
    return;
  }
  if (typeof value === 'string') {
    if (value.length > 64) throw badList('a string longer than 64 characters');
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) checkArgument(v, max, budget, depth + 1);
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw badList(`"${k}"`);
      checkArgument(v, max, budget, depth + 1);
    }
    return;
  }
  throw badList('arguments are JSON values');
}

export function isTransformable(type: string): boolean {
  return TRANSFORMABLE.has(type);
}

/** `format=auto`: AVIF or WebP when the client accepts it, else the source's own format. */
export function outputFormat(t: ImageTransform, sourceType: string, accept: string): OutputFormat {
  if (t.format && t.format !== 'auto') return t.format;
  if (t.format === 'auto') {
    if (/\bimage\/avif\b/i.test(accept)) return 'avif';
    if (/\bimage\/webp\b/i.test(accept)) return 'webp';
  }
  return (Object.entries(TYPE_OF).find(([, type]) => type === sourceType)?.[0] as OutputFormat | undefined) ?? 'png';
}

/**
 * Runs one transformation. The source is checked against the dimension limit from its header
 * before any pixel is decoded (a small file can declare a huge image), and the whole result is
 * produced before the answer starts, so a broken image is a clean 400. On failure the caller
 * destroys `source` (it also must when the gate refuses before this runs).
 */
export async function transformImage(
  source: Readable,
  sourceType: string,
  t: ImageTransform,
  limits: TransformLimits,
  accept = '',
): Promise<{ body: Buffer; type: string }> {
  const format = outputFormat(t, sourceType, accept);
  const sharp = await loadSharp();
  const image = sharp({
    limitInputPixels: limits.maxDimension * limits.maxDimension,
    failOn: 'error',
    sequentialRead: true,
  }).timeout({ seconds: Math.max(1, Math.ceil((limits.timeoutMs ?? 7500) / 1000)) });
  source.on('error', (err) => image.destroy(err));
  source.pipe(image);
  let body: Buffer;
  let produced: string;
  try {
    const meta = await image.metadata();
    if (!DECODABLE.has(meta.format ?? ''))
      throw errors.INVALID_QUERY({
        reason: `The file is not a JPEG, PNG, WebP, AVIF or TIFF image (found ${meta.format ?? 'nothing it knows'}); it is not transformed.`,
      });
    if ((meta.width ?? 0) > limits.maxDimension || (meta.height ?? 0) > limits.maxDimension) {
      throw errors.INVALID_QUERY({
        reason: `The image is larger than ${limits.maxDimension} pixels on a side; it is not transformed.`,
      });
    }
    let pipeline = image.autoOrient();
    if (t.width !== undefined || t.height !== undefined)
      pipeline = pipeline.resize({
        width: t.width,
        height: t.height,
        fit: t.fit,
        withoutEnlargement: t.withoutEnlargement,
      });
    pipeline = pipeline.toFormat(format, t.quality !== undefined ? { quality: t.quality } : {});
    // Each operation as sharp's own method (the list was checked against Directus's methods).
    for (const [method, ...args] of t.transforms)
      pipeline = (pipeline as unknown as Record<string, (...a: unknown[]) => typeof pipeline>)[method]!(...args);
    const out = await pipeline.toBuffer({ resolveWithObject: true });
    body = out.data;
    produced = OUTPUT_TYPES[out.info.format] ?? TYPE_OF[format];
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'INVALID_QUERY') throw err;
    throw errors.INVALID_QUERY({
      reason: `The file cannot be transformed: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return { body, type: produced };
}

/** The type of what sharp wrote, by its `info.format` (an operation such as `png` may change it). */
const OUTPUT_TYPES: Record<string, string> = { ...TYPE_OF, heif: 'image/avif' };

/**
 * A file's image transformed, taken from `cache` when a preset's image was kept (the file's
 * stream is then closed unread), else made under `gate` and, for a preset, kept.
 */
export async function derivedImage(
  source: { file: Record<string, unknown>; stream: Readable },
  t: ImageTransform,
  limits: TransformLimits & { gate: <T>(fn: () => Promise<T>) => Promise<T>; cache?: AssetCache | undefined },
  accept = '',
): Promise<DerivedImage> {
  const { file, stream } = source;
  const type = String(file.type ?? 'application/octet-stream');
  const cache = t.preset === undefined ? undefined : limits.cache;
  const storageKey = String(file.filename_disk ?? '');
  const parts = [file.filesize, file.uploaded_on, file.modified_on ?? null, t, outputFormat(t, type, accept)];
  const kept = cache && storageKey ? await cache.get(storageKey, parts) : undefined;
  if (kept) {
    stream.destroy();
    return kept;
  }
  let made: DerivedImage;
  try {
    made = await limits.gate(() => transformImage(stream, type, t, limits, accept));
  } catch (err) {
    stream.destroy();
    throw err;
  }
  if (cache && storageKey) await cache.set(storageKey, parts, made);
  return made;
}

/** The bytes an upload's header is looked for in (JPEG's EXIF segment alone may take 64 KB). */
export const IMAGE_HEAD_BYTES = 128 * 1024;

/**
 * A pass-through that keeps the first `limit` bytes of what flows through it: an upload's header,
 * read for its dimensions after the bytes went to storage, without reading them back.
 */
export class HeadCapture extends Transform {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  constructor(private readonly limit = IMAGE_HEAD_BYTES) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.kept < this.limit) {
      const part = chunk.subarray(0, this.limit - this.kept);
      this.chunks.push(Buffer.from(part));
      this.kept += part.length;
    }
    done(null, chunk);
  }
  /** What was kept (at most `limit` bytes). */
  head(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * An image's width and height from the first bytes of the file: null when they do not hold them
 * (WebP and TIFF need the whole file in sharp; a JPEG whose metadata runs past the head).
 */
export async function imageSizeFromHead(head: Buffer): Promise<{ width: number; height: number } | null> {
  try {
    const sharp = await loadSharp();
    const meta = await sharp(head, { failOn: 'none' }).metadata();
    return DECODABLE.has(meta.format ?? '') && meta.width && meta.height
      ? { width: meta.width, height: meta.height }
      : null;
  } catch {
    return null;
  }
}

/**
 * An image's width and height from its header (Directus stores them on directus_files at upload);
 * null for a file that is not an image sharp reads, or when sharp cannot be loaded.
 */
export async function imageSize(source: Readable): Promise<{ width: number; height: number } | null> {
  try {
    const sharp = await loadSharp();
    const image = sharp({ failOn: 'error', sequentialRead: true });
    source.on('error', (err) => image.destroy(err));
    source.pipe(image);
    const meta = await image.metadata();
    source.destroy();
    return DECODABLE.has(meta.format ?? '') && meta.width && meta.height
      ? { width: meta.width, height: meta.height }
      : null;
  } catch {
    source.destroy();
    return null;
  }
}

/** A bounded number of transformations at a time; past it, SERVICE_UNAVAILABLE (503). */
export function createTransformGate(maxConcurrent: number) {
  let running = 0;
  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= maxConcurrent)
      throw errors.SERVICE_UNAVAILABLE({
        service: 'assets',
        reason: 'Too many image transformations at once; try again shortly.',
      });
    running++;
    try {
      return await fn();
    } finally {
      running--;
    }
  };
}

/** The gate of each host's files configuration (its `ASSETS_TRANSFORM_MAX_CONCURRENT`). */
const gates = new WeakMap<object, ReturnType<typeof createTransformGate>>();

/**
 * The one gate of a host: `/assets` and every extension's `AssetsService` take their turns from it,
 * so the bound holds for the host, not for each of them.
 */
export function transformGateFor(files: { transformMaxConcurrent: number }) {
  let gate = gates.get(files);
  if (!gate) gates.set(files, (gate = createTransformGate(files.transformMaxConcurrent)));
  return gate;
}
