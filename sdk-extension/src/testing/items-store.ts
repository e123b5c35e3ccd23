import type { Item, PrimaryKey } from '../types/accountability.js';
import type { Filter, Query } from '../types/query.js';
import type { CollectionOverview, FieldType, SchemaOverview } from '../types/schema.js';

const clone = <T>(v: T): T => structuredClone(v);

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function testRule(value: unknown, rule: Record<string, unknown>): boolean {
  for (const [op, arg] of Object.entries(rule)) {
    const ok = ((): boolean => {
      switch (op) {
        case '_eq':
          return value === arg || (value != null && arg != null && String(value) === String(arg));
        case '_neq':
          return !(value === arg || (value != null && arg != null && String(value) === String(arg)));
        case '_in':
          return Array.isArray(arg) && arg.some((a) => String(a) === String(value));
        case '_nin':
          return Array.isArray(arg) && !arg.some((a) => String(a) === String(value));
        case '_gt':
          return compare(value, arg) > 0;
        case '_gte':
          return compare(value, arg) >= 0;
        case '_lt':
          return compare(value, arg) < 0;
        case '_lte':
          return compare(value, arg) <= 0;
        case '_null':
          return (value === null || value === undefined) === Boolean(arg);
        case '_nnull':
          return (value !== null && value !== undefined) === Boolean(arg);
        case '_contains':
          return String(value ?? '').includes(String(arg));
        case '_ncontains':
          return !String(value ?? '').includes(String(arg));
        case '_icontains':
          return String(value ?? '')
            .toLowerCase()
            .includes(String(arg).toLowerCase());
        case '_starts_with':
          return String(value ?? '').startsWith(String(arg));
        case '_ends_with':
          return String(value ?? '').endsWith(String(arg));
        case '_empty':
          return (
            (value === '' || value === null || value === undefined || (Array.isArray(value) && value.length === 0)) ===
            Boolean(arg)
          );
        case '_nempty':
          return (
            !(value === '' || value === null || value === undefined || (Array.isArray(value) && value.length === 0)) ===
            Boolean(arg)
          );
        case '_between':
          return Array.isArray(arg) && compare(value, arg[0]) >= 0 && compare(value, arg[1]) <= 0;
        default:
          throw Object.assign(new Error(`Filter operator ${op} is not supported by the test harness`), {
            code: 'INVALID_QUERY',
            status: 400,
          });
      }
    })();
    if (!ok) return false;
  }
  return true;
}

/** Directus filter semantics over one item (the common operators). */
export function matchesFilter(item: Item, filter: Filter | undefined): boolean {
  if (!filter) return true;
  for (const [key, rule] of Object.entries(filter)) {
    if (key === '_and') {
      if (!(rule as Filter[]).every((f) => matchesFilter(item, f))) return false;
      continue;
    }
    if (key === '_or') {
      if (!(rule as Filter[]).some((f) => matchesFilter(item, f))) return false;
      continue;
    }
    if (rule && typeof rule === 'object' && !Array.isArray(rule) && Object.keys(rule).every((k) => k.startsWith('_'))) {
      if (!testRule(item[key], rule as Record<string, unknown>)) return false;
    } else if (rule && typeof rule === 'object') {
      const nested = item[key];
      if (!nested || typeof nested !== 'object' || !matchesFilter(nested as Item, rule as Filter)) return false;
    }
  }
  return true;
}

/** An in-memory collection store: the data behind the harness's ItemsService and `items.*`. */
export class ItemsStore {
  private readonly data = new Map<string, Map<string, Item>>();
  private readonly counters = new Map<string, number>();
  private readonly primaries = new Map<string, string>();

  constructor(seed: Record<string, Item[]> = {}, primaries: Record<string, string> = {}) {
    for (const [c, pk] of Object.entries(primaries)) this.primaries.set(c, pk);
    for (const [collection, items] of Object.entries(seed)) {
      this.ensure(collection);
      for (const item of items) this.create(collection, item);
    }
  }

  primary(collection: string): string {
    return this.primaries.get(collection) ?? 'id';
  }

  private ensure(collection: string): Map<string, Item> {
    let rows = this.data.get(collection);
    if (!rows) {
      rows = new Map();
      this.data.set(collection, rows);
    }
    return rows;
  }

  has(collection: string): boolean {
    return this.data.has(collection);
  }

  collections(): string[] {
    return [...this.data.keys()];
  }

  all(collection: string): Item[] {
    return [...(this.data.get(collection)?.values() ?? [])].map(clone);
  }

  query(collection: string, query: Query = {}): Item[] {
    let rows = [...(this.data.get(collection)?.values() ?? [])].filter((i) => matchesFilter(i, query.filter));
    if (query.search) {
      const q = query.search.toLowerCase();
      rows = rows.filter((i) => Object.values(i).some((v) => typeof v === 'string' && v.toLowerCase().includes(q)));
    }
    for (const key of [...(query.sort ?? [])].reverse()) {
      const desc = key.startsWith('-');
      const field = desc ? key.slice(1) : key;
      rows = [...rows].sort((a, b) => (desc ? -1 : 1) * compare(a[field], b[field]));
    }
    const limit = query.limit === undefined ? 100 : query.limit;
    const offset = query.offset ?? (query.page ? (query.page - 1) * (limit < 0 ? 0 : limit) : 0);
    rows = rows.slice(offset, limit < 0 ? undefined : offset + limit);
    const fields = query.fields && !query.fields.includes('*') ? query.fields : null;
    return rows.map((row) =>
      fields ? Object.fromEntries(fields.filter((f) => f in row).map((f) => [f, clone(row[f])])) : clone(row),
    );
  }

  get(collection: string, key: PrimaryKey): Item | null {
    const row = this.data.get(collection)?.get(String(key));
    return row ? clone(row) : null;
  }

  create(collection: string, data: Item): PrimaryKey {
    const rows = this.ensure(collection);
    const pk = this.primary(collection);
    let key = data[pk] as PrimaryKey | undefined;
    if (key === undefined || key === null) {
      const next = (this.counters.get(collection) ?? rows.size) + 1;
      this.counters.set(collection, next);
      key = next;
    } else if (typeof key === 'number') {
      this.counters.set(collection, Math.max(this.counters.get(collection) ?? 0, key));
    }
    if (rows.has(String(key)))
      throw Object.assign(new Error(`Value for field "${pk}" in collection "${collection}" has to be unique`), {
        code: 'RECORD_NOT_UNIQUE',
        status: 400,
      });
    rows.set(String(key), { ...clone(data), [pk]: key });
    return key;
  }

  update(collection: string, key: PrimaryKey, data: Item): PrimaryKey {
    const rows = this.ensure(collection);
    const row = rows.get(String(key));
    if (!row)
      throw Object.assign(new Error(`Item "${key}" not found in "${collection}"`), { code: 'FORBIDDEN', status: 403 });
    rows.set(String(key), { ...row, ...clone(data), [this.primary(collection)]: row[this.primary(collection)] });
    return key;
  }

  delete(collection: string, key: PrimaryKey): PrimaryKey {
    this.data.get(collection)?.delete(String(key));
    return key;
  }

  /** A SchemaOverview inferred from the seeded collections (primary key `id` unless told). */
  schema(): SchemaOverview {
    const collections: Record<string, CollectionOverview> = {};
    for (const [collection, rows] of this.data) {
      const fields: CollectionOverview['fields'] = {};
      const sample: Item = Object.assign({}, ...rows.values());
      const pk = this.primary(collection);
      for (const [field, value] of Object.entries({ [pk]: 1, ...sample })) {
        const type: FieldType =
          typeof value === 'number'
            ? Number.isInteger(value)
              ? 'integer'
              : 'float'
            : typeof value === 'boolean'
              ? 'boolean'
              : value !== null && typeof value === 'object'
                ? 'json'
                : 'string';
        fields[field] = {
          field,
          type,
          dbType: null,
          nullable: field !== pk,
          defaultValue: null,
          generated: false,
          precision: null,
          scale: null,
          special: [],
          note: null,
          alias: false,
        };
      }
      collections[collection] = {
        collection,
        primary: pk,
        singleton: false,
        sortField: null,
        note: null,
        accountability: 'all',
        fields,
      };
    }
    return { collections, relations: [] };
  }
}
