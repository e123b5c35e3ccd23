import { randomUUID } from 'node:crypto';
import type { CollectionOverview, FieldOverview } from '../schema/types.js';
import { errors } from '../errors.js';
import type { Passwords } from '../auth/passwords.js';
import { grantsField } from '../auth/permissions.js';

export const CONCEALED = '**********';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID as the host makes them (a key looked up before the database sees it: PostgreSQL refuses other text for a uuid column). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Passwords, tokens and other secrets: never returned, and never usable to filter, sort, search or group by. */
export function isConcealed(field: FieldOverview): boolean {
  return field.type === 'hash' || field.special.includes('conceal');
}

/** Database row → API value (SQLite booleans, JSON text, CSV). */
export function castOut(field: FieldOverview, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (isConcealed(field)) return CONCEALED;
  switch (field.type) {
    case 'boolean':
      return value === true || value === 1 || value === '1' || value === 'true';
    case 'json':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value);
        } catch {
          return value;
        }
      }
      return value;
    case 'csv':
      return typeof value === 'string' ? (value === '' ? [] : value.split(',')) : value;
    case 'integer':
    case 'float':
      return typeof value === 'string' ? Number(value) : value;
    case 'bigInteger':
      return typeof value === 'bigint' ? Number(value) : value;
    case 'timestamp':
    case 'dateTime':
      return value instanceof Date ? value.toISOString() : value;
    default:
      return value;
  }
}

export function castRow(collection: CollectionOverview, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const field = collection.fields[k];
    out[k] = field ? castOut(field, v) : v;
  }
  return out;
}

/**
 * `payload` as a write will store it, for rules to read: each scalar field's value cast the way
 * the write casts it (`"0.0"` is the integer 0, `1` the boolean true). Values the write would
 * refuse, relational objects and JSON stay as sent. A null-prototype object: keys are data.
 */
export function storedView(collection: CollectionOverview, payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const view: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(payload)) {
    const field = collection.fields[key];
    view[key] = value;
    if (!field || !SCALAR_TYPES.has(field.type) || (value !== null && typeof value === 'object')) continue;
    try {
      view[key] = castIn(field, value, collection.collection);
    } catch {
      /* the write refuses it with its own error */
    }
  }
  return view;
}

const SCALAR_TYPES = new Set(['boolean', 'integer', 'bigInteger', 'float', 'decimal', 'string', 'text', 'uuid']);

function castIn(field: FieldOverview, value: unknown, collection: string): unknown {
  if (value === null || value === undefined) {
    if (value === null && !field.nullable && !field.generated) {
      throw errors.INVALID_PAYLOAD({ reason: `"${field.field}" in "${collection}" can't be null.` });
    }
    return value;
  }
  const bad = (expected: string) =>
    errors.INVALID_PAYLOAD({ reason: `"${field.field}" in "${collection}" must be ${expected}.` });
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0 || value === 'true' || value === 'false') return value === 1 || value === 'true';
      throw bad('a boolean');
    case 'integer':
    case 'bigInteger': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw bad('an integer');
      return n;
    }
    case 'float':
    case 'decimal': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad('a number');
      return n;
    }
    case 'json':
      return JSON.stringify(value);
    case 'csv':
      if (Array.isArray(value)) return value.map(String).join(',');
      if (typeof value === 'string') return value;
      throw bad('a list of strings');
    case 'string':
    case 'text':
    case 'uuid':
    case 'hash':
      if (typeof value === 'object') throw bad('a string');
      return String(value);
    default:
      if (typeof value === 'object' && !(value instanceof Date)) throw bad('a scalar value');
      return value;
  }
}

/** API payload → database row: unknown fields rejected, types checked, specials applied. */
export async function preparePayload(
  collection: CollectionOverview,
  payload: Record<string, unknown>,
  mode: 'create' | 'update',
  actor: { user: string | null },
  allowedFields: string[] | '*',
  passwords: Passwords,
): Promise<Record<string, unknown>> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw errors.INVALID_PAYLOAD({ reason: 'The payload must be an object.' });
  }
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    const field = collection.fields[key];
    if (!field) throw errors.INVALID_PAYLOAD({ reason: `Field "${key}" doesn't exist in "${collection.collection}".` });
    if (field.type === 'alias') continue;
    if (!grantsField(allowedFields, key)) throw errors.FORBIDDEN();
    if (mode === 'update' && field.primary) continue;
    if (field.special.includes('conceal') && value === CONCEALED) continue;
    let v = castIn(field, value, collection.collection);
    if (field.special.includes('hash') && typeof v === 'string') v = await passwords.hash(v);
    row[key] = v;
  }
  for (const field of Object.values(collection.fields)) {
    if (mode === 'create') {
      if (
        field.primary &&
        row[field.field] === undefined &&
        !field.generated &&
        (field.type === 'uuid' || field.special.includes('uuid'))
      ) {
        row[field.field] = randomUUID();
      }
      if (field.special.includes('date-created')) row[field.field] = new Date().toISOString();
      if (field.special.includes('user-created')) row[field.field] = actor.user;
      if (row[field.field] === undefined && field.required && field.defaultValue === null && !field.generated) {
        throw errors.INVALID_PAYLOAD({ reason: `"${field.field}" in "${collection.collection}" is required.` });
      }
    }
    // As Directus's: set by an update, not by the create (a new item has not been updated).
    if (mode !== 'create' && field.special.includes('date-updated')) row[field.field] = new Date().toISOString();
    if (mode !== 'create' && field.special.includes('user-updated')) row[field.field] = actor.user;
  }
  return row;
}
