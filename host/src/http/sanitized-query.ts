import { errors } from '../errors.js';
import { sanitizeQuery, type Query } from '../services/query.js';

/** Directus's `req.sanitizedQuery`: the Query plus the keys the item services take as they come. */
export type SanitizedQuery = Query & {
  deep?: Record<string, unknown>;
  alias?: Record<string, string>;
  backlink?: boolean;
  version?: string;
  export?: string;
};

function object(value: unknown, name: string): Record<string, unknown> {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw errors.INVALID_QUERY({ reason: `"${name}" must be valid JSON.` });
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw errors.INVALID_QUERY({ reason: `"${name}" must be an object.` });
  return v as Record<string, unknown>;
}

/**
 * What Directus's sanitize-query middleware puts on `req.sanitizedQuery`: `{}` for an empty query
 * string, otherwise the parsed query with `fields` defaulting to `*`; frozen, as in Directus.
 * Bad input is INVALID_QUERY.
 */
export function getSanitizedQuery(raw: Record<string, unknown> | undefined): Readonly<SanitizedQuery> {
  if (!raw || Object.keys(raw).length === 0) return Object.freeze({});
  const q: SanitizedQuery = sanitizeQuery({ ...raw, fields: raw.fields || '*' });
  if (raw.deep !== undefined) q.deep = object(raw.deep, 'deep');
  if (raw.alias !== undefined) {
    const alias = object(raw.alias, 'alias');
    for (const [k, v] of Object.entries(alias))
      if (typeof v !== 'string') throw errors.INVALID_QUERY({ reason: `"alias.${k}" must be a field name.` });
    q.alias = alias as Record<string, string>;
  }
  if (raw.backlink !== undefined) q.backlink = raw.backlink !== 'false' && raw.backlink !== false;
  if (typeof raw.version === 'string') q.version = raw.version;
  if (typeof raw.export === 'string') {
    if (!['csv', 'json', 'xml', 'yaml'].includes(raw.export))
      throw errors.INVALID_QUERY({ reason: '"export" must be csv, json, xml or yaml.' });
    q.export = raw.export;
  }
  return Object.freeze(q);
}
