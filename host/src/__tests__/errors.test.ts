import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RuntimeErrors } from '@annex/runtime';
import { errors } from '../errors.js';
import { toErrorResponse } from '../http/error-handler.js';

const HOST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('host error table', () => {
  it('pins the list of codes', () => {
    expect(errors.codes).toEqual([
      'FORBIDDEN',
      'INVALID_CREDENTIALS',
      'UNAUTHENTICATED',
      'TOKEN_EXPIRED',
      'INVALID_TOKEN',
      'INVALID_PAYLOAD',
      'INVALID_QUERY',
      'FAILED_VALIDATION',
      'ROUTE_NOT_FOUND',
      'METHOD_NOT_ALLOWED',
      'NOT_ACCEPTABLE',
      'RECORD_NOT_UNIQUE',
      'UNPROCESSABLE_CONTENT',
      'REQUESTS_EXCEEDED',
      'SERVICE_UNAVAILABLE',
      'INTERNAL',
      'HOST_MANIFEST_INVALID',
      'HOST_DUPLICATE_ID',
      'HOST_ENTRY_NOT_FOUND',
      'HOST_ENTRY_LOAD_FAILED',
      'HOST_REGISTER_FAILED',
      'HOST_REGISTER_TIMEOUT',
      'HOST_INVALID_EXPORT',
      'HOST_EXTENSION_LOCKED',
      'HOST_EXTENSION_NOT_FOUND',
      'HOST_INVALID_CRON',
      'HOST_SCOPES_PENDING',
      'HOST_NOTHING_PENDING',
      'HOST_SHARED_INSTALLS',
      'HOST_CLOSED',
      'HOST_FILE_TOO_LARGE',
      'HOST_MIGRATION_FAILED',
      'HOST_SANDBOX_RESPONSE_INVALID',
      'HOST_EVENT_NAME_INVALID',
      'HOST_MAIL_FAILED',
      'APP_BUILD_FAILED',
      'APP_IMPORT_FAILED',
      'APP_RENDER_FAILED',
      'APP_RENDER_LOOP',
      'GRAPHQL_VALIDATION',
      'FLOW_ERROR',
      'CONFLICT',
      'CONTENT_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'RANGE_NOT_SATISFIABLE',
      'CONTAINS_NULL_VALUES',
      'VALUE_TOO_LONG',
      'VALUE_OUT_OF_RANGE',
      'INVALID_FOREIGN_KEY',
      'NOT_NULL_VIOLATION',
      'INVALID_OTP',
      'LIMIT_EXCEEDED',
      'ILLEGAL_ASSET_TRANSFORMATION',
      'INTERNAL_SERVER_ERROR',
    ]);
  });

  it('gives an error that carries only a code the status its table row says', () => {
    for (const code of errors.codes) {
      const status = errors.statusOf(code)!;
      const { status: got, body } = toErrorResponse(Object.assign(new Error('m'), { code }));
      expect(got, code).toBe(status);
      expect(body.errors[0]!.extensions.code, code).toBe(status < 500 ? code : 'INTERNAL_SERVER_ERROR');
    }
    expect(toErrorResponse({ message: 'm', extensions: { code: 'RANGE_NOT_SATISFIABLE' } }).status).toBe(416);
  });

  it('keeps a status the error carries, and leaves unknown codes internal', () => {
    expect(toErrorResponse(Object.assign(new Error('m'), { code: 'FORBIDDEN', status: 401 })).status).toBe(401);
    expect(toErrorResponse(Object.assign(new Error('m'), { code: 'ENOENT' }))).toMatchObject({
      status: 500,
      body: { errors: [{ extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
    });
  });

  it('names http-errors (status only) with a table code', () => {
    const code = (status: number) =>
      toErrorResponse(Object.assign(new Error('m'), { status, expose: true })).body.errors[0]!.extensions.code;
    expect([400, 404, 409, 413, 415, 416, 405, 418].map(code)).toEqual([
      'INVALID_PAYLOAD',
      'ROUTE_NOT_FOUND',
      'CONFLICT',
      'CONTENT_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'RANGE_NOT_SATISFIABLE',
      'METHOD_NOT_ALLOWED',
      'INVALID_PAYLOAD',
    ]);
    for (const status of [400, 401, 403, 404, 405, 406, 409, 413, 415, 416, 418, 422, 429])
      expect(errors.codes, String(status)).toContain(code(status));
  });

  it('no code is written outside a table', () => {
    const known = new Set<string>([...errors.codes, ...RuntimeErrors.codes]);
    const literal = /\bcode\s*(?::|\?\?)\s*'([A-Z][A-Z0-9_]+)'|\bcode:\s*[^,'}\n]*\?[^,'}\n:]*:\s*'([A-Z][A-Z0-9_]+)'/g;
    const found: string[] = [];
    for (const dir of ['src', 'builtins']) {
      for (const entry of fs.readdirSync(path.join(HOST, dir), { recursive: true, withFileTypes: true })) {
        const file = path.join(entry.parentPath, entry.name);
        if (
          !entry.isFile() ||
          !/\.(ts|js)$/.test(entry.name) ||
          file.includes('__tests__') ||
          file.includes('node_modules')
        )
          continue;
        for (const m of fs.readFileSync(file, 'utf8').matchAll(literal)) {
          const code = m[1] ?? m[2]!;
          if (!known.has(code)) found.push(`${path.relative(HOST, file)}: ${code}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
