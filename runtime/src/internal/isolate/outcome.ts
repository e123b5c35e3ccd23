import type { ErrorRecord } from '@annex/protocol';
import { RuntimeErrors } from '../../errors.js';
import { toErrorRecord } from '@annex/protocol';
import { createSourceMapper, type SourceMapper } from '../source-map/mapper.js';

/** What one handler call produced, as it crosses out of the sandbox layer. */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorRecord; fromExtension: boolean };

export function failure(error: Error, fromExtension = false): CallOutcome {
  return { ok: false, error: toErrorRecord(error, 'RT_INTERNAL'), fromExtension };
}

/** How an exception thrown by an isolated-vm entry is to be understood. */
export type EntryFailure = 'timeout' | 'memory' | 'disposed' | 'other';

export function classifyEntryError(err: unknown, isolateDisposed: boolean, disposedByUs: boolean): EntryFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (isolateDisposed && !disposedByUs) return 'memory';
  if (/memory limit/i.test(message)) return 'memory';
  if (message === 'Script execution timed out.') return 'timeout';
  if (isolateDisposed) return 'disposed';
  return 'other';
}

/** Limits on what an extension's error carries out (the isolate trims too, but its String methods are the extension's). */
export const MAX_ERROR_CODE = 128;
export const MAX_ERROR_MESSAGE = 4096;
export const MAX_ERROR_STACK = 16384;

/** `value` as a string of at most `max` characters, or undefined when it is not a string. */
export function clip(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? (value.length > max ? value.slice(0, max) : value) : undefined;
}

/** Error records an extension produced: keep code/status/message within bounds, map and trim the stack. */
export function extensionErrorRecord(raw: unknown, mapStack: (stack: string) => string): ErrorRecord {
  if (!raw || typeof raw !== 'object') return toErrorRecord(RuntimeErrors.RT_INTERNAL());
  const r = raw as Record<string, unknown>;
  const code = clip(r.code, MAX_ERROR_CODE);
  const status =
    typeof r.status === 'number' && Number.isInteger(r.status) && r.status >= 400 && r.status <= 599 ? r.status : 500;
  const rec: ErrorRecord = {
    code: code || 'RT_EXTENSION_ERROR',
    message: clip(r.message, MAX_ERROR_MESSAGE) ?? 'Extension error',
    status,
  };
  const stack = clip(r.stack, MAX_ERROR_STACK);
  if (stack !== undefined) rec.stack = mapStack(stack);
  return rec;
}

/** Stack rewriting for one extension: source-mapped frames, no bootstrap frames. */
export function createStackMapper(sourceMap: string | undefined, fileUrl: string): (stack: string) => string {
  let mapper: SourceMapper | null | undefined;
  return (stack) => {
    if (mapper === undefined) mapper = sourceMap ? createSourceMapper(sourceMap) : null;
    const kept = stack
      .split('\n')
      .filter((line) => !line.includes('annex:bootstrap') && !line.includes('<isolated-vm'))
      .join('\n');
    return mapper ? mapper.mapStack(kept, fileUrl) : kept;
  };
}
