import { defineErrors } from '@annex/protocol';

/**
 * Every error the runtime raises, in one table (fastify style). `RT_` codes are the runtime's
 * own; `FORBIDDEN` and `INVALID_PAYLOAD` are capability denials and keep Directus's codes so
 * Directus error handling matches. A test pins the list of codes.
 */
export const RuntimeErrors = defineErrors({
  RT_INVALID_SPEC: { status: 400, message: (p: { reason: string }) => `Invalid sandbox extension spec: ${p.reason}` },
  RT_COMPILE_ERROR: {
    status: 400,
    message: (p: { message: string }) => `Extension module failed to compile: ${p.message}`,
  },
  RT_IMPORT_DENIED: {
    status: 400,
    message: (p: { specifier: string; dynamic?: boolean }) =>
      p.dynamic
        ? `Dynamic import of "${p.specifier}" is not available in the sandbox; import "directus:api" (alias "annex:api") with a static import statement`
        : `Import of "${p.specifier}" is not allowed in the sandbox; only "directus:api" (alias "annex:api") may be imported`,
  },
  RT_INVALID_EXPORT: { status: 400, message: (p: { reason: string }) => `Invalid default export: ${p.reason}` },
  RT_INVALID_REGISTRATION: { status: 400, message: (p: { reason: string }) => `Invalid registration: ${p.reason}` },
  RT_LOAD_FAILED: { status: 500, message: (p: { message: string }) => `Extension failed to load: ${p.message}` },
  RT_RELOAD_MISMATCH: {
    status: 500,
    message: 'Extension registered different handlers when its isolate was re-created',
  },
  RT_HANDLER_NOT_FOUND: { status: 500, message: (p: { handler: number }) => `No handler with id ${p.handler}` },
  RT_EXTENSION_ERROR: { status: 500, message: (p: { message: string }) => p.message },
  // Availability outcomes a client may act on (retry later); fixed messages, no internals: shown to clients.
  RT_TIMEOUT: {
    status: 504,
    expose: true,
    message: (p: { kind: 'cpu' | 'wall'; limitMs: number }) =>
      `Extension exceeded its ${p.kind === 'cpu' ? 'CPU' : 'wall-clock'} time limit (${p.limitMs} ms)`,
  },
  RT_BUSY: {
    status: 503,
    expose: true,
    message: (p: { limit: number }) => `Too many concurrent calls (limit ${p.limit})`,
  },
  RT_PAYLOAD_TOO_LARGE: { status: 413, message: (p: { limit: number }) => `Payload exceeds ${p.limit} bytes` },
  RT_RESULT_NOT_CLONEABLE: {
    status: 500,
    message: 'Extension returned a value that cannot be copied out of the sandbox',
  },
  RT_MEMORY_LIMIT: {
    status: 500,
    message: (p: { limitMb: number }) =>
      `Extension exceeded its memory limit (${p.limitMb} MB); its isolate was re-created`,
  },
  RT_CPU_HOG: { status: 500, message: 'Extension used too much background CPU; its isolate was re-created' },
  RT_QUARANTINED: { status: 503, expose: true, message: 'Extension is quarantined after repeated faults' },
  RT_DISPOSED: { status: 503, expose: true, message: 'Extension instance was disposed' },
  RT_ENGINE_CLOSED: { status: 503, expose: true, message: 'Sandbox engine is closed' },
  RT_WORKER_CRASHED: { status: 503, expose: true, message: 'Sandbox worker process exited during the call' },
  RT_TIMER_LIMIT: { status: 500, message: (p: { limit: number }) => `Too many pending timers (limit ${p.limit})` },
  RT_CAPABILITY_FAILED: { status: 500, message: (p: { capability: string }) => `Capability "${p.capability}" failed` },
  RT_REQUEST_FAILED: { status: 502, message: (p: { reason: string }) => `Request failed: ${p.reason}` },
  RT_REQUEST_TIMEOUT: {
    status: 504,
    message: (p: { timeoutMs: number }) => `Request timed out after ${p.timeoutMs} ms`,
  },
  RT_RESPONSE_TOO_LARGE: { status: 502, message: (p: { limit: number }) => `Response exceeds ${p.limit} bytes` },
  RT_RATE_LIMITED: {
    status: 429,
    message: (p: { limit: number }) => `Too many capability calls (limit ${p.limit} per second)`,
  },
  RT_REGISTRATION_LIMIT: {
    status: 400,
    message: (p: { kind: string; limit: number }) => `Too many ${p.kind} registered (limit ${p.limit})`,
  },
  RT_INTERNAL: { status: 500, message: 'Internal sandbox error' },
  FORBIDDEN: {
    status: 403,
    message: (p: { reason: string }) => `You don't have permission to access this: ${p.reason}`,
  },
  INVALID_PAYLOAD: { status: 400, message: (p: { reason: string }) => `Invalid payload: ${p.reason}` },
});

export type RuntimeErrorCode = (typeof RuntimeErrors.codes)[number];

/** Codes that count as a fault of the extension (they feed quarantine). */
export const FAULT_CODES: readonly string[] = [
  'RT_TIMEOUT',
  'RT_MEMORY_LIMIT',
  'RT_CPU_HOG',
  'RT_WORKER_CRASHED',
  'RT_RATE_LIMITED',
];
