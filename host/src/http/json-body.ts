import type { Context, Next } from 'koa';
import bytes from 'bytes';
import { errors } from '../errors.js';

/** Bodies up to this size take the lean path; larger ones (and anything unusual) go to koa's body parser. */
export const LEAN_JSON_MAX_BYTES = 16 * 1024;

/* What co-body reads as JSON, limited to the plain case: `application/json`, at most `charset=utf-8`. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;
/* co-body's strict mode: the text must be an object or a list. */
const STRICT = /^[\x20\x09\x0a\x0d]*(\[|\{)/;
/* @hapi/bourne's test for a `__proto__` key (also written with \u escapes), before its scan. */
const SUSPECT_PROTO =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;

/** Throws when any object in `value` has an own `__proto__` key (JSON.parse makes it one; merging it would poison a prototype). */
function refuseProtoKeys(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (Object.hasOwn(value, '__proto__')) throw new SyntaxError('Object contains forbidden prototype property');
  for (const child of Array.isArray(value) ? value : Object.values(value)) refuseProtoKeys(child);
}

/** Parses `text` as co-body's strict JSON parser with `@hapi/bourne` (protoAction `error`) does. */
export function parseStrictJson(text: string): unknown {
  if (!text) return {};
  if (!STRICT.test(text)) throw new SyntaxError('invalid JSON, only supports object and array');
  const parsed: unknown = JSON.parse(text);
  if (SUSPECT_PROTO.test(text)) refuseProtoKeys(parsed);
  return parsed;
}

/** The whole body of `req`, which announced `length` bytes (raw-body's checks: aborted, or a size that does not match). */
function readBody(req: Context['req'], length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (error: Error | null) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onAborted);
      if (error) return reject(error);
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, received).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => done(received === length ? null : new Error('request size did not match content length'));
    const onError = (error: Error) => done(error);
    const onAborted = () => done(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    // A request closed before its end never ends: the read fails instead of waiting forever.
    req.on('close', onAborted);
  });
}

/**
 * Small plain-JSON request bodies (the common write: `application/json`, no content encoding, a
 * content-length under LEAN_JSON_MAX_BYTES and under the configured limit) read without koa's body
 * parser, whose type matching, inflation stream, raw-body and charset decoder cost a small write
 * more than the read itself. Same result (`ctx.request.body` and `rawBody`, strict JSON, `__proto__`
 * keys refused) and the same INVALID_PAYLOAD on failure; every other request is left to that parser,
 * which runs next and sees the body already read.
 */
export function leanJsonBody(options: { limit: string; methods: readonly string[] }) {
  // Read by `bytes`, as koa's parser reads the same limit (MAX_PAYLOAD_SIZE: `10mb`, `512kb`, `2048`).
  const limit = bytes.parse(options.limit);
  const max = limit === null ? -1 : Math.min(limit, LEAN_JSON_MAX_BYTES);
  return async function leanJson(ctx: Context, next: Next): Promise<void> {
    const req = ctx.req;
    const headers = req.headers;
    const type = headers['content-type'];
    const declared = headers['content-length'];
    const request = ctx.request as { body?: unknown; rawBody?: unknown };
    if (
      max < 0 ||
      (ctx as { disableBodyParser?: boolean }).disableBodyParser ||
      type === undefined ||
      declared === undefined ||
      !options.methods.includes(ctx.method) ||
      request.body !== undefined ||
      (headers['content-encoding'] !== undefined && headers['content-encoding'] !== 'identity') ||
      !PLAIN_JSON.test(type) ||
      !/^\d+$/.test(declared) ||
      Number(declared) > max ||
      req.closed
    )
      return next();
    let text: string;
    let parsed: unknown;
    try {
      text = await readBody(req, Number(declared));
      parsed = parseStrictJson(text);
    } catch (err) {
      throw errors.INVALID_PAYLOAD({ reason: `The request body could not be parsed: ${(err as Error).message}` });
    }
    request.body = parsed;
    request.rawBody = text;
    return next();
  };
}
