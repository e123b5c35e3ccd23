import { describe, expect, it } from 'vitest';
import { CodedError, defineErrors, isCodedError, toErrorRecord } from '../errors.js';
import { fail, ok } from '../envelope.js';

describe('coded errors', () => {
  const errors = defineErrors({
    X_BAD: { status: 400, message: (p: { what: string }) => `bad ${p.what}` },
    X_DOWN: { status: 503, message: 'down' },
  });

  it('builds one factory per code and lists the codes', () => {
    expect(errors.codes).toEqual(['X_BAD', 'X_DOWN']);
    const e = errors.X_BAD({ what: 'input' });
    expect(e).toMatchObject({ code: 'X_BAD', status: 400, expose: true, details: { what: 'input' } });
    expect(errors.X_DOWN()).toMatchObject({ code: 'X_DOWN', status: 503, expose: false });
  });

  it('answers the status of its own codes only', () => {
    expect(errors.statusOf('X_BAD')).toBe(400);
    expect(errors.statusOf('X_DOWN')).toBe(503);
    expect(errors.statusOf('OTHER')).toBeUndefined();
    expect(errors.statusOf('toString')).toBeUndefined();
  });

  it('recognises coded errors by shape, across realms', () => {
    expect(isCodedError({ code: 'X', message: 'm' })).toBe(true);
    expect(isCodedError(new Error('m'))).toBe(false);
    expect(toErrorRecord(new CodedError('X_BAD', 'm', 400))).toEqual({ code: 'X_BAD', message: 'm', status: 400 });
    expect(toErrorRecord(new Error('m'))).toEqual({ code: 'INTERNAL', message: 'm' });
    expect(toErrorRecord('text', 'Y')).toEqual({ code: 'Y', message: 'text' });
  });

  it('wraps results in an envelope', () => {
    expect(ok(1)).toEqual({ ok: true, value: 1 });
    expect(fail({ code: 'X', message: 'm' })).toEqual({ ok: false, error: { code: 'X', message: 'm' } });
  });

  it('says whether the table shows a code to clients (exposeOf), undefined where it does not say', () => {
    const table = defineErrors({
      A_SHOWN: { status: 503, expose: true, message: 'a' },
      B_DEFAULT: { status: 503, message: 'b' },
    });
    expect([table.exposeOf('A_SHOWN'), table.exposeOf('B_DEFAULT'), table.exposeOf('NOPE')]).toEqual([
      true,
      undefined,
      undefined,
    ]);
  });
});
