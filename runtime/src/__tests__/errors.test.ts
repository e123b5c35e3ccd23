import { describe, expect, it } from 'vitest';
import { RuntimeErrors } from '../errors.js';
import { errorFromRecord } from '../internal/instance.js';

describe('runtime error table', () => {
  it('pins the list of codes', () => {
    expect(RuntimeErrors.codes).toEqual([
      'RT_INVALID_SPEC',
      'RT_COMPILE_ERROR',
      'RT_IMPORT_DENIED',
      'RT_INVALID_EXPORT',
      'RT_INVALID_REGISTRATION',
      'RT_LOAD_FAILED',
      'RT_RELOAD_MISMATCH',
      'RT_HANDLER_NOT_FOUND',
      'RT_EXTENSION_ERROR',
      'RT_TIMEOUT',
      'RT_BUSY',
      'RT_PAYLOAD_TOO_LARGE',
      'RT_RESULT_NOT_CLONEABLE',
      'RT_MEMORY_LIMIT',
      'RT_CPU_HOG',
      'RT_QUARANTINED',
      'RT_DISPOSED',
      'RT_ENGINE_CLOSED',
      'RT_WORKER_CRASHED',
      'RT_TIMER_LIMIT',
      'RT_CAPABILITY_FAILED',
      'RT_REQUEST_FAILED',
      'RT_REQUEST_TIMEOUT',
      'RT_RESPONSE_TOO_LARGE',
      'RT_RATE_LIMITED',
      'RT_REGISTRATION_LIMIT',
      'RT_INTERNAL',
      'FORBIDDEN',
      'INVALID_PAYLOAD',
    ]);
  });

  it('uses the RT_ prefix for every runtime code and Directus codes for denials', () => {
    for (const code of RuntimeErrors.codes)
      expect(code.startsWith('RT_') || code === 'FORBIDDEN' || code === 'INVALID_PAYLOAD').toBe(true);
    expect(RuntimeErrors.FORBIDDEN({ reason: 'x' }).status).toBe(403);
    expect(RuntimeErrors.INVALID_PAYLOAD({ reason: 'x' }).status).toBe(400);
  });

  it('builds coded errors with status and params as details', () => {
    const err = RuntimeErrors.RT_IMPORT_DENIED({ specifier: 'fs' });
    expect(err.code).toBe('RT_IMPORT_DENIED');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ specifier: 'fs' });
  });

  it('a crashed worker or a timeout crossing the process boundary stays shown to clients; an extension error at 500 does not', () => {
    expect(errorFromRecord({ code: 'RT_WORKER_CRASHED', message: 'm', status: 503 }, 'x').expose).toBe(true);
    expect(errorFromRecord({ code: 'RT_TIMEOUT', message: 'm', status: 504 }, 'x').expose).toBe(true);
    expect(errorFromRecord({ code: 'RT_EXTENSION_ERROR', message: 'm', status: 500 }, 'x').expose).toBe(false);
    // A code the table shows, carried with another status (an extension's own throw): the default applies.
    expect(errorFromRecord({ code: 'RT_TIMEOUT', message: 'm', status: 500 }, 'x').expose).toBe(false);
  });
});
