import { defineErrors } from '@annex/protocol';

/**
 * Host error table. Directus codes keep their Directus names (clients switch on them);
 * Annex-only failures use the HOST_ prefix.
 */
export const errors = defineErrors({
  FORBIDDEN: { status: 403, message: "You don't have permission to access this." },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid user credentials.' },
  UNAUTHENTICATED: { status: 401, message: 'You must be logged in to access this.' },
  TOKEN_EXPIRED: { status: 401, message: 'Token expired.' },
  INVALID_TOKEN: { status: 401, message: 'Invalid token.' },
  INVALID_PAYLOAD: { status: 400, message: (p: { reason: string }) => `Invalid payload. ${p.reason}` },
  INVALID_QUERY: { status: 400, message: (p: { reason: string }) => `Invalid query. ${p.reason}` },
  /** `details.failures` lists every failed rule (services/payload-rules.ts); the message is the first's. */
  FAILED_VALIDATION: { status: 400, message: (p: { message: string }) => p.message },
  ROUTE_NOT_FOUND: { status: 404, message: (p: { path: string }) => `Route ${p.path} doesn't exist.` },
  METHOD_NOT_ALLOWED: { status: 405, message: (p: { reason: string }) => `Method not allowed. ${p.reason}` },
  NOT_ACCEPTABLE: { status: 406, message: 'None of the types the request accepts can be produced.' },
  RECORD_NOT_UNIQUE: {
    status: 400,
    message: (p: { collection: string; field?: string }) =>
      `Value for field "${p.field ?? '?'}" in collection "${p.collection}" has to be unique.`,
  },
  UNPROCESSABLE_CONTENT: { status: 422, message: (p: { reason: string }) => `Can't process content. ${p.reason}` },
  REQUESTS_EXCEEDED: {
    status: 429,
    message: (p: { retryAfterSeconds: number }) =>
      `Too many failed login attempts; retry after ${p.retryAfterSeconds}s.`,
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: (p: { service: string; reason: string }) => `Service "${p.service}" is unavailable. ${p.reason}`,
  },
  INTERNAL: { status: 500, message: 'An unexpected error occurred.', expose: false },
  HOST_MANIFEST_INVALID: {
    status: 422,
    message: (p: { folder: string; reason: string }) => `The manifest of "${p.folder}" is invalid: ${p.reason}`,
  },
  HOST_DUPLICATE_ID: {
    status: 409,
    message: (p: { id: string; other: string }) => `Extension id "${p.id}" is already used by ${p.other}.`,
  },
  HOST_ENTRY_NOT_FOUND: {
    status: 422,
    message: (p: { id: string; file: string }) => `Entry file of "${p.id}" not found: ${p.file}`,
  },
  HOST_ENTRY_LOAD_FAILED: {
    status: 422,
    message: (p: { id: string; reason: string }) => `Entry of "${p.id}" could not be loaded: ${p.reason}`,
  },
  HOST_REGISTER_FAILED: {
    status: 422,
    message: (p: { id: string; reason: string }) => `Extension "${p.id}" failed to register: ${p.reason}`,
  },
  HOST_REGISTER_TIMEOUT: {
    status: 422,
    message: (p: { id: string; ms: number }) => `Extension "${p.id}" did not finish registering within ${p.ms} ms.`,
  },
  HOST_INVALID_EXPORT: {
    status: 422,
    message: (p: { id: string; reason: string }) => `Extension "${p.id}" has an invalid default export: ${p.reason}`,
  },
  HOST_EXTENSION_LOCKED: {
    status: 403,
    message: (p: { id: string }) => `Extension "${p.id}" is locked and cannot be disabled.`,
  },
  HOST_EXTENSION_NOT_FOUND: { status: 404, message: (p: { id: string }) => `Extension "${p.id}" not found.` },
  HOST_INVALID_CRON: { status: 422, message: (p: { cron: string }) => `Invalid cron expression "${p.cron}".` },
  HOST_SCOPES_PENDING: {
    status: 503,
    message: (p: { id: string }) => `Extension "${p.id}" is waiting for an administrator to grant its scopes.`,
  },
  HOST_NOTHING_PENDING: {
    status: 409,
    message: (p: { id: string }) => `No update of "${p.id}" is waiting for a grant.`,
  },
  /** An offline marketplace change on PostgreSQL: the installed set is the cluster's, recorded in the database. */
  HOST_SHARED_INSTALLS: {
    status: 409,
    message:
      "The database is PostgreSQL, where the hosts' installed set is recorded in the database: a change made to this folder alone is undone at the next start. Make it through a running host (--url/--token).",
  },
  HOST_CLOSED: { status: 503, message: 'The host is shutting down.' },
  HOST_FILE_TOO_LARGE: {
    status: 413,
    message: (p: { limit: number }) =>
      `The file is larger than the ${p.limit} bytes this host accepts (FILES_MAX_UPLOAD_SIZE).`,
  },
  HOST_MIGRATION_FAILED: {
    status: 422,
    message: (p: { id: string; migration: string; reason: string }) =>
      `Migration ${p.migration} of "${p.id}" failed (rolled back): ${p.reason}`,
  },
  // The server's reason goes to the log and the annex_outbox row, not to the client.
  /** A sandboxed endpoint's status or headers break the response policy (http/sandbox-response-policy.ts). */
  HOST_SANDBOX_RESPONSE_INVALID: {
    status: 502,
    expose: true,
    message: (p: { extension: string; reason: string }) =>
      `Extension "${p.extension}" sent a response the host does not forward: ${p.reason}.`,
  },
  /** An extension emitted an event name outside the grammar of events/event-name.ts. */
  HOST_EVENT_NAME_INVALID: { status: 400, message: (p: { reason: string }) => `Invalid event name: ${p.reason}.` },
  HOST_MAIL_FAILED: {
    status: 502,
    expose: true,
    message: (_p: { reason: string; outbox: number }) =>
      'The mail server did not accept the message; see annex_outbox.',
  },
  // App extension sources: a chunk that did not build, or that a browser could not import (data in the manifest's errors).
  APP_BUILD_FAILED: { status: 422, message: (p: { message: string }) => p.message },
  APP_IMPORT_FAILED: { status: 422, message: (p: { message: string }) => p.message },
  // Reported by the admin app: an extension component threw while rendering, or re-rendered past its budget.
  APP_RENDER_FAILED: { status: 422, message: (p: { message: string }) => p.message },
  APP_RENDER_LOOP: { status: 422, message: (p: { message: string }) => p.message },
  GRAPHQL_VALIDATION: { status: 400, message: (p: { message: string }) => p.message },
  /** The `throw-error` flow operation's code when its options name none. */
  FLOW_ERROR: { status: 400, message: (p: { message: string }) => p.message },
  // Directus codes extensions throw (often with no status): the error handler takes their status from here.
  CONFLICT: { status: 409, message: (p: { reason: string }) => `Conflict. ${p.reason}` },
  CONTENT_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: (p: { reason: string }) => `Unsupported media type. ${p.reason}` },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'Requested range is not satisfiable.' },
  CONTAINS_NULL_VALUES: { status: 400, message: (p: { field: string }) => `Field "${p.field}" contains null values.` },
  VALUE_TOO_LONG: { status: 400, message: (p: { field: string }) => `Value for field "${p.field}" is too long.` },
  VALUE_OUT_OF_RANGE: {
    status: 400,
    message: (p: { field: string }) => `Value for field "${p.field}" is out of range.`,
  },
  INVALID_FOREIGN_KEY: {
    status: 400,
    message: (p: { field: string }) => `Invalid foreign key for field "${p.field}".`,
  },
  NOT_NULL_VIOLATION: { status: 400, message: (p: { field: string }) => `Value for field "${p.field}" can't be null.` },
  INVALID_OTP: { status: 401, message: 'Invalid user OTP.' },
  LIMIT_EXCEEDED: { status: 403, message: (p: { reason: string }) => `Limit exceeded. ${p.reason}` },
  ILLEGAL_ASSET_TRANSFORMATION: {
    status: 400,
    message: (p: { reason: string }) => `Illegal asset transformation. ${p.reason}`,
  },
  /** What a client sees instead of an error whose message is not exposed. */
  INTERNAL_SERVER_ERROR: { status: 500, message: 'An unexpected error occurred.', expose: false },
});
export type HostErrorCode = (typeof errors.codes)[number];
