/**
 * Coded errors shared by every package. Errors are recognised by shape (`code`, `status`,
 * `expose`), never by `instanceof`, because they cross processes and isolates.
 */
export interface CodedErrorShape {
  code: string;
  message: string;
  status: number;
  /** Whether the message may be shown to an HTTP client. */
  expose: boolean;
  details?: Record<string, unknown>;
}

export class CodedError extends Error implements CodedErrorShape {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly details?: Record<string, unknown>;
  constructor(
    code: string,
    message: string,
    status = 500,
    options: { expose?: boolean; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    if (options.details) this.details = options.details;
  }
}

type Template<P> = string | ((params: P) => string);
export interface ErrorSpec<P = any> {
  status: number;
  message: Template<P>;
  expose?: boolean;
}

export type ErrorFactories<T extends Record<string, ErrorSpec>> = {
  [K in keyof T]: T[K] extends ErrorSpec<infer P>
    ? (params?: P, options?: { cause?: unknown; details?: Record<string, unknown> }) => CodedError
    : never;
};

/** What a table says about its codes: the list (pinned by a test) and each one's HTTP status. */
export interface ErrorTable<T> {
  codes: (keyof T & string)[];
  /** The status of `code` in this table; undefined for a code the table does not have. */
  statusOf(code: string): number | undefined;
  /** Whether the table marks `code` as shown to clients whatever its status; undefined when it does not say. */
  exposeOf(code: string): boolean | undefined;
}

/**
 * Builds one factory per code from a table, so the set of codes lives in one place and
 * can be pinned by a test (`Object.keys(table)`).
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(table: T): ErrorFactories<T> & ErrorTable<T> {
  const out: Record<string, unknown> = {};
  for (const [code, spec] of Object.entries(table)) {
    out[code] = (params: unknown = {}, options: { cause?: unknown; details?: Record<string, unknown> } = {}) => {
      const message = typeof spec.message === 'function' ? spec.message(params) : spec.message;
      const details =
        options.details ?? (params && typeof params === 'object' ? (params as Record<string, unknown>) : undefined);
      return new CodedError(code, message, spec.status, { expose: spec.expose, details, cause: options.cause });
    };
  }
  out.codes = Object.keys(table);
  out.statusOf = (code: string) => (Object.hasOwn(table, code) ? table[code]!.status : undefined);
  out.exposeOf = (code: string) => (Object.hasOwn(table, code) ? table[code]!.expose : undefined);
  return out as ErrorFactories<T> & ErrorTable<T>;
}

/** True when `value` looks like a coded error (shape check, realm-independent). */
export function isCodedError(value: unknown): value is CodedErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** A plain, serialisable description of an error, for envelopes, logs and the settings table. */
export interface ErrorRecord {
  code: string;
  message: string;
  status?: number;
  stack?: string;
  details?: Record<string, unknown>;
}

export function toErrorRecord(error: unknown, fallbackCode = 'INTERNAL'): ErrorRecord {
  if (isCodedError(error)) {
    const rec: ErrorRecord = { code: error.code, message: error.message };
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') rec.status = status;
    const details = (error as { details?: unknown }).details;
    if (details && typeof details === 'object') rec.details = details as Record<string, unknown>;
    return rec;
  }
  if (error instanceof Error) return { code: fallbackCode, message: error.message };
  return { code: fallbackCode, message: String(error) };
}
