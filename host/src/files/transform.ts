import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type Sharp from 'sharp';
import { errors } from '../errors.js';

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
 * Directus's `/assets` image transformations (a subset: `width`, `height`, `fit`, `quality`,
 * `format`, `withoutEnlargement`). Only these types are transformed; any other file is served as
 * it is, as Directus does.
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
/** Query parameters Directus takes that this subset does not: refused, not silently ignored. */
const UNSUPPORTED = ['key', 'transforms'];

type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff';

export interface ImageTransform {
  width?: number;
  height?: number;
  fit: (typeof FITS)[number];
  quality?: number;
  format?: OutputFormat | 'auto';
  withoutEnlargement: boolean;
}

export interface TransformLimits {
  /** Largest width or height of the source and of the result. */
  maxDimension: number;
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
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

/** The transformation a query asks for, or null when it asks for none. Bad values: INVALID_QUERY. */
export function parseTransform(query: Record<string, unknown>, limits: TransformLimits): ImageTransform | null {
  for (const name of UNSUPPORTED)
    if (query[name] !== undefined)
      throw errors.INVALID_QUERY({
        reason: `"${name}" is not supported on /assets (width, height, fit, quality, format and withoutEnlargement are).`,
      });
  const width = integer(query, 'width', 1, limits.maxDimension);
  const height = integer(query, 'height', 1, limits.maxDimension);
  const quality = integer(query, 'quality', 1, 100);
  const fit = one(query, 'fit');
  const format = one(query, 'format');
  const enlarge = one(query, 'withoutEnlargement');
  if (width === undefined && height === undefined && quality === undefined && format === undefined) {
    if (fit !== undefined || enlarge !== undefined)
      throw errors.INVALID_QUERY({ reason: '"fit" and "withoutEnlargement" need a width or a height.' });
    return null;
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
  };
}

export function isTransformable(type: string): boolean {
  return TRANSFORMABLE.has(type);
}

/** `format=auto`: AVIF or WebP when the client accepts it, else the source's own format. */
function outputFormat(t: ImageTransform, sourceType: string, accept: string): OutputFormat {
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
  });
  source.on('error', (err) => image.destroy(err));
  source.pipe(image);
  let body: Buffer;
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
    body = await image
      .rotate()
      .resize({ width: t.width, height: t.height, fit: t.fit, withoutEnlargement: t.withoutEnlargement })
      .toFormat(format, t.quality !== undefined ? { quality: t.quality } : {})
      .toBuffer();
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'INVALID_QUERY') throw err;
    throw errors.INVALID_QUERY({
      reason: `The file cannot be transformed: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return { body, type: TYPE_OF[format] };
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
