import { errors } from '../errors.js';
import { isCodedError } from '@annex/protocol';

/** Maps SQLite/PostgreSQL constraint errors to Directus codes; others pass through. */
export function mapDatabaseError(error: unknown, collection: string): unknown {
  if (isCodedError(error) && typeof (error as { status?: unknown }).status === 'number') return error;
  const e = error as { code?: string; message?: string; detail?: string; column?: string };
  const msg = String(e?.message ?? '');
  if (e?.code === '23505' || /UNIQUE constraint failed/.test(msg)) {
    const field = /UNIQUE constraint failed: \w+\.(\w+)/.exec(msg)?.[1] ?? /Key \((\w+)\)/.exec(e.detail ?? '')?.[1];
    return errors.RECORD_NOT_UNIQUE({ collection, field });
  }
  if (e?.code === '23502' || /NOT NULL constraint failed/.test(msg)) {
    const field = /NOT NULL constraint failed: \w+\.(\w+)/.exec(msg)?.[1] ?? e.column ?? '?';
    return errors.INVALID_PAYLOAD({ reason: `"${field}" in "${collection}" can't be null.` });
  }
  if (e?.code === '22P02' || e?.code === '22007' || e?.code === '22003') {
    return errors.INVALID_PAYLOAD({ reason: `A value has the wrong type for "${collection}".` });
  }
  return error;
}
