import type { Knex } from 'knex';
import type { Accountability } from '../auth/accountability.js';
import { grantForFields, grantsField, type Action, type Grant, type Permissions } from '../auth/permissions.js';
import type { Passwords } from '../auth/passwords.js';
import { errors } from '../errors.js';
import type { Emitter } from '../events/emitter.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { CollectionOverview, SchemaOverview } from '../schema/types.js';
import { castRow, isConcealed, preparePayload } from './casting.js';
import { type FieldFunction, functionCall, functionSql, parseFieldFunction } from './functions.js';
import {
  applyFilter,
  countRelated,
  followKey,
  oneToManyFilters,
  splitFieldFilter,
  type FilterContext,
  type FilterRelation,
} from './filter.js';
import type { Filter, Query } from './query.js';
import { mapDatabaseError } from './db-errors.js';
import { recordChange } from './history.js';
import { applySystemEffects, beforeSystemDelete } from './system-effects.js';
import { assertClientWrite, HOST_WRITE, keepHostColumns } from './host-written.js';
import { attachRelated, MAX_RELATION_DEPTH, nestedFields } from './relations.js';
import {
  planNestedWrites,
  writeManyToOne,
  writeOneToMany,
  type NestedContext,
  type NestedWrites,
} from './nested-writes.js';
import { assertFieldRules, assertWritable, validGrant, withFields, withPresets } from './write-rules.js';
import { createdRowFor, type CreatedRow } from './created-row.js';
import { canCreateOnSqlite, createOnSqlite, InsertFailed } from './sqlite-create.js';

/** How deep `_and`/`_or` groups and relational filters may nest in one filter. */
const MAX_FILTER_NESTING = 100;

export type PrimaryKey = string | number;
export type Item = Record<string, any>;

export interface ItemsKernel {
  knex: Knex;
  schema: SchemaStore;
  emitter: Emitter;
  permissions: Permissions;
  passwords: Passwords;
}

export interface ItemsServiceOptions {
  accountability: Accountability;
  schema?: SchemaOverview;
  knex?: Knex;
  /** Internal: how deep in a nested write this service writes (bounds a payload's nesting). */
  nestedDepth?: number;
  /**
   * Items this read may still return, shared with the reads it makes through relations (and, for
   * GraphQL, by every field of one request); related items count each time they are placed under a
   * row. Without one, a read gets MAX_RELATED_ITEMS for what its relations add: a short query
   * through one-to-many fields cannot multiply into millions of items.
   */
  rowBudget?: { left: number };
}

/** Related items one read may place into its result through its relations. */
export const MAX_RELATED_ITEMS = 100_000;

/**
 * How many objects `value` holds once written out: an object reached twice counts twice (JSON
 * repeats it), each distinct one is measured once.
 */
export function expandedSize(value: unknown, memo = new WeakMap<object, number>()): number {
  if (value === null || typeof value !== 'object') return 0;
  const known = memo.get(value);
  if (known !== undefined) return known;
  memo.set(value, 0);
  let size = Array.isArray(value) ? 0 : 1;
  for (const child of Array.isArray(value) ? value : Object.values(value)) size += expandedSize(child, memo);
  memo.set(value, size);
  return size;
}

function spend(budget: { left: number }, items: number): void {
  budget.left -= items;
  if (budget.left < 0)
    throw errors.INVALID_QUERY({
      reason:
        'The query returns too many items (with what its relations add); ask for fewer with limit or fewer relational fields.',
    });
}

/** Where a write inside a larger one (a batch, a nested write) leaves its action, fired once all of it committed. */
const DEFERRED_ACTIONS = Symbol('annex.deferredActions');

export interface MutationOptions {
  /** Skip filter/action events (used by flows' item operations when asked, and by migrations). */
  emitEvents?: boolean;
  /** The host's own code writing rows only it may write (see host-written.ts). */
  [HOST_WRITE]?: boolean;
  [DEFERRED_ACTIONS]?: (() => void)[];
}

const DEFAULT_LIMIT = 100;

/** The caller's filter contexts: for their own filter (field reads checked) and for permission filters. */
interface FilterScope {
  query: FilterContext;
  grant: FilterContext;
}

/** `items.create` + `<collection>.items.create`, or `users.create` for directus_users. */
function eventNames(collection: string, op: string): string[] {
  if (collection.startsWith('directus_')) return [`${collection.slice('directus_'.length)}.${op}`];
  return [`items.${op}`, `${collection}.items.${op}`];
}

/**
 * Reads and writes items of one collection with the Directus query shape. Every call checks
 * the accountability's permissions and emits the Directus filter/action events.
 */
/**
 * Whether the caller may read a field function: a count reads a one-to-many as listing it does; a
 * date part reads its column, which it must read on every item (a per-item field would leak through it).
 */
function mayReadFunction(grant: Grant, call: FieldFunction): boolean {
  const field = call.field.field;
  return grantsField(call.fn === 'count' ? grant.fields : grant.everywhere, field);
}

export class ItemsService {
  readonly collection: string;
  readonly accountability: Accountability;
  readonly knex: Knex;
  schema: SchemaOverview | undefined;
  protected readonly kernel: ItemsKernel;
  private readonly nestedDepth: number;
  private readonly rowBudget: { left: number } | undefined;
  /** The row this service's last createOne inserted, until readOne reads it back (see created-row.ts). */
  private created: CreatedRow | undefined;
  /** Handed from readOne to the readByQuery it makes. */
  private readingCreated: CreatedRow | undefined;

  constructor(kernel: ItemsKernel, collection: string, options: ItemsServiceOptions) {
    if (!options || typeof options.accountability !== 'object' || options.accountability === null) {
      throw new TypeError(
        `ItemsService("${collection}") needs an explicit accountability (use systemAccountability(origin) for system work)`,
      );
    }
    this.kernel = kernel;
    this.collection = collection;
    this.accountability = options.accountability;
    this.knex = options.knex ?? kernel.knex;
    this.schema = options.schema;
    this.nestedDepth = options.nestedDepth ?? 0;
    this.rowBudget = options.rowBudget;
  }

  protected async overview(): Promise<{ schema: SchemaOverview; col: CollectionOverview }> {
    this.schema ??= await this.kernel.schema.get();
    const col = this.schema.collections[this.collection];
    // Unknown collections answer FORBIDDEN, as Directus does, so existence is not leaked.
    if (!col) throw errors.FORBIDDEN();
    return { schema: this.schema, col };
  }

  protected filterContext(): FilterContext {
    return { user: this.accountability.user, role: this.accountability.role, now: new Date() };
  }

  protected eventContext(schema: SchemaOverview) {
    return { database: this.knex, schema, accountability: this.accountability };
  }

  /**
   * An action, as Directus emits it: after the write committed, with the base database in its
   * context (not the transaction, which is over by then). Inside a larger write it waits for that
   * write's end (`deferringActions`).
   */
  protected emitActionAfter(
    opts: MutationOptions,
    event: string | string[],
    meta: Record<string, unknown>,
    schema: SchemaOverview,
  ): void {
    if (opts.emitEvents === false) return;
    const fire = () =>
      void this.kernel.emitter.emitAction(event, meta, {
        database: this.kernel.knex,
        schema,
        accountability: this.accountability,
      });
    const queue = opts[DEFERRED_ACTIONS];
    if (queue) queue.push(fire);
    else fire();
  }

  /**
   * Runs a write made of several (a batch, a write with nested ones), the actions of its parts held
   * until it all succeeded, then fired in order; a failure fires none. Inside another such write,
   * its actions wait for that one instead.
   */
  protected async deferringActions<T>(opts: MutationOptions, run: (opts: MutationOptions) => Promise<T>): Promise<T> {
    if (opts[DEFERRED_ACTIONS]) return run(opts);
    const queue: (() => void)[] = [];
    const result = await run({ ...opts, [DEFERRED_ACTIONS]: queue });
    for (const fire of queue) fire();
    return result;
  }

  /** The coded error for a database failure, through Directus's `database.error` filter (which may replace it). */
  protected async databaseError(error: unknown): Promise<unknown> {
    const mapped = mapDatabaseError(error, this.collection);
    return this.kernel.emitter.emitFilter(
      'database.error',
      mapped,
      { client: this.knex.client.config.client },
      { database: this.knex, schema: null, accountability: this.accountability },
    );
  }

  protected grant(action: Action): Promise<Grant> {
    return this.kernel.permissions.require(this.accountability, this.collection, action, this.knex);
  }

  private readableFields(col: CollectionOverview, grant: Grant): string[] {
    return Object.values(col.fields)
      .filter((f) => f.type !== 'alias' && grantsField(grant.fields, f.field))
      .map((f) => f.field);
  }

  /**
   * The columns to select; `keyOnlyForRelations` when the primary key is among them only to find
   * one-to-many items (it is removed from the result then).
   */
  private selectFields(
    col: CollectionOverview,
    requested: string[] | undefined,
    grant: Grant,
  ): { columns: string[]; keyOnlyForRelations: boolean; functions: FieldFunction[] } {
    const readable = this.readableFields(col, grant);
    // Directus's date functions (`year(date_created)`) are answered as `date_created_year`.
    const functions: FieldFunction[] = [];
    for (const name of requested ?? []) {
      const call = parseFieldFunction(name, col);
      if (!call) continue;
      if (!mayReadFunction(grant, call)) throw errors.FORBIDDEN();
      functions.push(call);
    }
    const plain = functions.length ? requested!.filter((name) => !name.includes('(')) : requested;
    if (functions.length && plain!.length === 0) return { columns: [], keyOnlyForRelations: false, functions };
    if (!plain || plain.length === 0 || plain.some((name) => name === '*' || name.startsWith('*.')))
      return { columns: readable, keyOnlyForRelations: false, functions };
    const out: string[] = [];
    let keyForRelations = false;
    for (const name of plain) {
      const root = name.split('.')[0]!;
      const field = col.fields[root];
      if (!field) throw errors.INVALID_QUERY({ reason: `Field "${name}" doesn't exist in "${col.collection}".` });
      if (field.o2m) {
        // A one-to-many field has no column: the related items are found by this item's key.
        if (!grantsField(grant.fields, root)) throw errors.FORBIDDEN();
        keyForRelations = true;
        continue;
      }
      if (!readable.includes(root)) throw errors.FORBIDDEN();
      if (!out.includes(root)) out.push(root);
    }
    const keyOnlyForRelations = keyForRelations && !out.includes(col.primary);
    return { columns: keyOnlyForRelations ? [...out, col.primary] : out, keyOnlyForRelations, functions };
  }

  /**
   * A one-to-many that only a wildcard (`*`) brought in is left out when the caller may not read
   * its related collection (as Directus's `*` covers what the caller may read); named, it is refused.
   */
  private async dropUnreadableImplied(
    schema: SchemaOverview,
    col: CollectionOverview,
    requested: string[] | undefined,
    nested: Map<string, string[]>,
  ): Promise<void> {
    const named = new Set((requested ?? []).filter((n) => !n.startsWith('*')).map((n) => n.split('.')[0]!));
    for (const field of [...nested.keys()]) {
      const o2m = col.fields[field]?.o2m;
      if (!o2m || named.has(field) || !schema.collections[o2m.collection]) continue;
      try {
        await this.kernel.permissions.require(this.accountability, o2m.collection, 'read', this.knex);
      } catch (err) {
        if ((err as { code?: string })?.code !== 'FORBIDDEN') throw err;
        nested.delete(field);
      }
    }
  }

  /**
   * A field function's SQL on this collection's rows: a date part of the column, or the `count()`
   * subquery. Wrapped: a raw expression is a thenable, so an async function returning it would run it.
   */
  private async functionExpression(
    schema: SchemaOverview,
    col: CollectionOverview,
    f: FieldFunction,
  ): Promise<{ expr: Knex.Raw }> {
    return {
      expr:
        f.fn === 'count'
          ? this.knex.raw('(?)', [(await this.countSubquery(schema, col, f)).sub])
          : functionSql(this.knex.client, f, col.collection),
    };
  }

  /**
   * `count(field)` of a one-to-many as a subquery on this collection's rows: the related items the
   * caller may read (their collection's permission filter applies), through a foreign key they may read.
   * Wrapped: a query builder is a thenable, so an async function returning it would run it.
   */
  private async countSubquery(
    schema: SchemaOverview,
    col: CollectionOverview,
    f: FieldFunction,
  ): Promise<{ sub: Knex.QueryBuilder }> {
    const o2m = f.field.o2m!;
    const target = schema.collections[o2m.collection];
    if (!target) throw errors.FORBIDDEN();
    const g = await this.kernel.permissions.require(this.accountability, target.collection, 'read', this.knex);
    if (!grantsField(g.everywhere, o2m.field)) throw errors.FORBIDDEN();
    const scope = await this.filterScope(schema, target, g, undefined);
    return {
      sub: countRelated(
        this.knex.client,
        { col: target, filter: g.filter, fields: g.everywhere, via: o2m.field },
        scope.grant,
        `${col.collection}.${col.primary}`,
      ),
    };
  }

  /**
   * Resolves every many-to-one hop the caller's filter and the permission filters take, with
   * the caller's read grant on each collection reached (FORBIDDEN if there is none), so the
   * filters can be compiled to subqueries that only see what the caller may see.
   */
  protected async filterScope(
    schema: SchemaOverview,
    col: CollectionOverview,
    grant: Grant,
    queryFilter: Filter | undefined,
  ): Promise<FilterScope> {
    const relations = new Map<string, FilterRelation>();
    const readable = new Map<string, string[] | '*'>([[col.collection, grant.everywhere]]);
    // `nesting` counts every level (groups and relations): a filter nested thousands deep would
    // otherwise overflow the stack here and in the compiler instead of getting a coded refusal.
    const walk = async (c: CollectionOverview, filter: unknown, depth: number, nesting = 0): Promise<void> => {
      if (!filter || typeof filter !== 'object' || Array.isArray(filter)) return;
      if (nesting > MAX_FILTER_NESTING)
        throw errors.INVALID_QUERY({ reason: `A filter may nest at most ${MAX_FILTER_NESTING} levels.` });
      for (const [key, value] of Object.entries(filter)) {
        if (key === '_and' || key === '_or') {
          if (Array.isArray(value)) for (const sub of value) await walk(c, sub, depth, nesting + 1);
          continue;
        }
        // `count(comments)` needs the related collection as a `comments` filter does (its operators are the compiler's).
        const call = functionCall(key);
        const counted = call?.name === 'count' ? call.field : undefined;
        // `$FOLLOW(c, f)`: the many side of a many-to-one that points here, as a one-to-many alias would be.
        const follow = counted ? undefined : followKey(key);
        const field = follow ? undefined : c.fields[counted ?? key];
        if ((!follow && !field?.relatedCollection) || !value || typeof value !== 'object' || Array.isArray(value))
          continue;
        if (counted && !field?.o2m) continue;
        const manySide = follow ?? field?.o2m;
        const parts = !counted && manySide ? oneToManyFilters(value as Record<string, unknown>, key) : undefined;
        const nestedFilters = counted
          ? []
          : parts
            ? [...parts.some, ...parts.none]
            : [splitFieldFilter(value as Record<string, unknown>).nested].filter((f): f is Filter => f !== null);
        if (nestedFilters.length === 0 && !counted) continue;
        if (depth >= MAX_RELATION_DEPTH)
          throw errors.INVALID_QUERY({ reason: `A filter may follow at most ${MAX_RELATION_DEPTH} relations.` });
        const id = `${c.collection}.${field?.field ?? key}`;
        let rel = relations.get(id);
        if (!rel) {
          const target = schema.collections[manySide?.collection ?? field!.relatedCollection!];
          if (!target) throw errors.FORBIDDEN();
          const g = await this.kernel.permissions.require(this.accountability, target.collection, 'read', this.knex);
          const back = follow ? target.fields[follow.field] : undefined;
          if (follow && (back?.relatedCollection !== c.collection || back.o2m || back.type === 'alias'))
            throw errors.INVALID_QUERY({
              reason: `"${key}": "${follow.collection}.${follow.field}" is not a many-to-one relation to "${c.collection}".`,
            });
          rel = { col: target, filter: g.filter, fields: g.everywhere, ...(manySide ? { via: manySide.field } : {}) };
          relations.set(id, rel);
          readable.set(target.collection, g.everywhere);
          await walk(target, g.filter, depth + 1);
        }
        for (const nested of nestedFilters) await walk(rel.col, nested, depth + 1, nesting + 1);
      }
    };
    await walk(col, queryFilter, 0);
    await walk(col, grant.filter, 0);
    const base = this.filterContext();
    const relation = (c: string, f: string) => relations.get(`${c}.${f}`);
    // A permission filter is the administrator's rule about the data: it sees every related item,
    // not only those this role may see (else `_none` would ignore the hidden ones).
    const unrestricted = (c: string, f: string) => {
      const rel = relations.get(`${c}.${f}`);
      return rel && { ...rel, filter: null };
    };
    const canRead = (c: string, f: string) => {
      const fields = readable.get(c);
      return fields !== undefined && grantsField(fields, f);
    };
    return { query: { ...base, relation, readable: canRead }, grant: { ...base, relation: unrestricted } };
  }

  protected applyQuery(
    b: Knex.QueryBuilder,
    col: CollectionOverview,
    query: Query,
    grant: Grant,
    scope: FilterScope,
  ): void {
    if (query.filter) applyFilter(b, query.filter, col, scope.query);
    if (grant.filter) applyFilter(b, grant.filter, col, scope.grant);
    if (query.search) {
      // Only fields the caller reads on every item, and no secrets: a match would reveal them.
      const searchable = Object.values(col.fields).filter(
        (f) => ['string', 'text', 'csv'].includes(f.type) && !isConcealed(f) && grantsField(grant.everywhere, f.field),
      );
      const term = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      b.where((q) => {
        for (const f of searchable)
          q.orWhereRaw(`lower(??) like ? escape '\\'`, [`${col.collection}.${f.field}`, term]);
        const n = Number(query.search);
        const byKey = Number.isFinite(n) && grantsField(grant.everywhere, col.primary);
        if (byKey) q.orWhere(`${col.collection}.${col.primary}`, n);
        if (searchable.length === 0 && !byKey) q.whereRaw('1 = 0');
      });
    }
  }

  async readByQuery(query: Query = {}, _opts: MutationOptions = {}): Promise<Item[]> {
    const created = this.readingCreated;
    this.readingCreated = undefined;
    const { schema, col } = await this.overview();
    const grant = await this.grant('read');
    const ctx = this.eventContext(schema);
    const q = await this.kernel.emitter.emitFilter(
      eventNames(this.collection, 'query'),
      { ...query },
      { collection: this.collection },
      ctx,
    );
    // Wrapped: a query builder is a thenable, so an async function returning it would run it.
    const build = async (): Promise<{ b: Knex.QueryBuilder }> => {
      const b = this.knex(this.collection);
      this.applyQuery(b, col, q, grant, await this.filterScope(schema, col, grant, q.filter));
      return { b };
    };
    let rows: Item[];
    if (q.aggregate || q.groupBy) {
      rows = await this.aggregate((await build()).b, col, q, grant);
      if (this.rowBudget) spend(this.rowBudget, rows.length);
    } else {
      // Right after this service's create, the fields are checked first: the row the insert returned
      // may answer the read (created-row.ts), and then no query is built at all.
      const early = created ? undefined : await build();
      const { columns, keyOnlyForRelations, functions } = this.selectFields(col, q.fields, grant);
      // Fields only some permission rows give are decided per item, by key.
      const perItem = grant.rows ? columns.filter((c) => !grantsField(grant.everywhere, c)) : [];
      const keyForMask = perItem.length > 0 && !columns.includes(col.primary);
      const known = perItem.length || functions.length ? undefined : createdRowFor(col, q, grant, created, columns);
      if (known) rows = [castRow(col, known)];
      else {
        const { b } = early ?? (await build());
        b.select([...columns, ...(keyForMask ? [col.primary] : [])].map((f) => `${col.collection}.${f}`));
        for (const f of functions)
          b.select(this.knex.raw('? as ??', [(await this.functionExpression(schema, col, f)).expr, f.alias]));
        if (q.sort?.length) await this.applySort(b, schema, col, grant, q.sort);
        else if (col.sortField) b.orderBy(`${col.collection}.${col.sortField}`, 'asc');
        if (!q.sort?.length && !col.sortField) b.orderBy(`${col.collection}.${col.primary}`, 'asc');
        const limit = q.limit ?? DEFAULT_LIMIT;
        // Under an item budget, load no more rows than still fit, plus one to tell that it overflowed.
        const load = Math.min(limit === -1 ? Infinity : limit, this.rowBudget ? this.rowBudget.left + 1 : Infinity);
        if (load !== Infinity) b.limit(load);
        const offset = q.offset ?? (q.page ? (q.page - 1) * (limit === -1 ? 0 : limit) : 0);
        if (offset) b.offset(offset);
        rows = (
          await b.catch(async (e) => {
            throw await this.databaseError(e);
          })
        ).map((r: Item) => castRow(col, r));
      }
      if (this.rowBudget) spend(this.rowBudget, rows.length);
      if (perItem.length) await this.hideFieldsPerItem(schema, col, grant, rows, perItem);
      const budget = this.rowBudget ?? { left: MAX_RELATED_ITEMS };
      const read = (collection: string, query: Query) =>
        new ItemsService(this.kernel, collection, {
          accountability: this.accountability,
          schema,
          knex: this.knex,
          rowBudget: budget,
        }).readByQuery(query);
      const nested = nestedFields(col, q.fields, grant, this.readableFields(col, grant));
      await this.dropUnreadableImplied(schema, col, q.fields, nested);
      await attachRelated(read, schema, col, rows, nested);
      // A related item placed under many rows is written out under each: count what the answer holds.
      if (nested.size) spend(budget, expandedSize(rows) - rows.length);
      if (keyOnlyForRelations || keyForMask) for (const row of rows) delete row[col.primary];
    }
    const out = await this.kernel.emitter.emitFilter(
      eventNames(this.collection, 'read'),
      rows,
      { collection: this.collection, query: q },
      ctx,
    );
    void this.kernel.emitter.emitAction(
      eventNames(this.collection, 'read'),
      { payload: out, collection: this.collection, query: q },
      ctx,
    );
    return out;
  }

  /**
   * A field only some of the role's permission rows give is shown on the items those rows'
   * filters match and is null on the others (one row's fields never extend to another row's items).
   */
  private async hideFieldsPerItem(
    schema: SchemaOverview,
    col: CollectionOverview,
    grant: Grant,
    rows: Item[],
    fields: string[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const keys = rows.map((r) => r[col.primary]);
    const matched = await Promise.all(
      (grant.rows ?? []).map(async (row) => {
        if (!fields.some((f) => grantsField(row.fields, f))) return new Set<string>();
        if (row.filter === null) return 'all' as const;
        const b = this.knex(this.collection).select(col.primary).whereIn(col.primary, keys);
        applyFilter(
          b,
          row.filter,
          col,
          (await this.filterScope(schema, col, { filter: row.filter, fields: '*', everywhere: '*' }, undefined)).grant,
        );
        return new Set((await b).map((r: Item) => String(r[col.primary])));
      }),
    );
    for (const item of rows) {
      const key = String(item[col.primary]);
      for (const f of fields) {
        const shown = (grant.rows ?? []).some(
          (row, i) => grantsField(row.fields, f) && (matched[i] === 'all' || matched[i]!.has(key)),
        );
        if (!shown) item[f] = null;
      }
    }
  }

  /**
   * `sort=-date,author.name`: a related field is reached by left-joining, per hop, only the
   * related items the caller may see (the others sort as empty). Sorting by a field the caller
   * may not read is FORBIDDEN: the order would reveal it.
   */
  private async applySort(
    b: Knex.QueryBuilder,
    schema: SchemaOverview,
    col: CollectionOverview,
    grant: Grant,
    sort: string[],
  ): Promise<void> {
    const mayRead = (c: CollectionOverview, g: Grant, field: string) =>
      field === c.primary || (grantsField(g.everywhere, field) && !isConcealed(c.fields[field]!));
    let joins = 0;
    for (const s of sort) {
      const desc = s.startsWith('-');
      // A field function of this collection: `sort=year(published)`, `sort=-count(comments)`.
      const call = parseFieldFunction(desc ? s.slice(1) : s, col);
      if (call) {
        if (!mayReadFunction(grant, call)) throw errors.FORBIDDEN();
        b.orderByRaw(`? ${desc ? 'desc' : 'asc'}`, [(await this.functionExpression(schema, col, call)).expr]);
        continue;
      }
      const path = (desc ? s.slice(1) : s).split('.');
      if (path.length - 1 > MAX_RELATION_DEPTH)
        throw errors.INVALID_QUERY({ reason: `"${s}" follows more than ${MAX_RELATION_DEPTH} relations.` });
      let current = col;
      let currentGrant = grant;
      let table = col.collection;
      for (const [i, name] of path.entries()) {
        const field = current.fields[name];
        if (!field || field.type === 'alias')
          throw errors.INVALID_QUERY({
            reason: `Can't sort by "${s}": no field "${name}" in "${current.collection}".`,
          });
        if (!mayRead(current, currentGrant, name)) throw errors.FORBIDDEN();
        if (i === path.length - 1) {
          b.orderBy(`${table}.${name}`, desc ? 'desc' : 'asc');
          break;
        }
        if (!field.relatedCollection)
          throw errors.INVALID_QUERY({
            reason: `Can't sort by "${s}": "${name}" in "${current.collection}" is not a many-to-one relation.`,
          });
        const target = schema.collections[field.relatedCollection];
        if (!target) throw errors.FORBIDDEN();
        const targetGrant = await this.kernel.permissions.require(
          this.accountability,
          target.collection,
          'read',
          this.knex,
        );
        const visible = this.knex(target.collection).select(`${target.collection}.*`);
        if (targetGrant.filter)
          applyFilter(
            visible,
            targetGrant.filter,
            target,
            (await this.filterScope(schema, target, targetGrant, undefined)).grant,
          );
        const alias = `annex_sort_${++joins}`;
        b.leftJoin(visible.as(alias), `${table}.${name}`, `${alias}.${target.primary}`);
        current = target;
        currentGrant = targetGrant;
        table = alias;
      }
    }
  }

  private async aggregate(b: Knex.QueryBuilder, col: CollectionOverview, q: Query, grant: Grant): Promise<Item[]> {
    /** Counting a secret reveals nothing; grouping by it or taking its min/max/sum/avg would return it. */
    const check = (f: string, fn: string) => {
      if (f === '*') return;
      const field = col.fields[f];
      if (!field)
        throw errors.INVALID_QUERY({ reason: `Can't aggregate "${f}": no such field in "${col.collection}".` });
      if (!grantsField(grant.everywhere, f) || (isConcealed(field) && fn !== 'count')) throw errors.FORBIDDEN();
    };
    /** What a sort may name: each group (by its name in the query) and each aggregate (`count.id`). */
    const sortable = new Map<string, string | Knex.Raw>();
    for (const g of q.groupBy ?? []) {
      // `year(date_created)` groups by the function's value, answered as `date_created_year`.
      const call = parseFieldFunction(g, col);
      check(call ? call.field.field : g, 'groupBy');
      if (call) {
        const expr = functionSql(b.client, call, col.collection);
        b.groupBy(expr).select(this.knex.raw('? as ??', [expr, call.alias]));
        sortable.set(g, expr);
      } else {
        b.groupBy(`${col.collection}.${g}`).select(`${col.collection}.${g}`);
        sortable.set(g, `${col.collection}.${g}`);
      }
    }
    // As Directus answers them: `countAll`, and `count` of `*` alone, flat (`{count: 3}`); any other
    // aggregate under its function (`{sum: {price: 10}}`, `{count: {'*': 3, id: 3}}` with another count).
    const flatCount = q.aggregate?.count?.length === 1 && q.aggregate.count[0] === '*';
    for (const [fn, fields] of Object.entries(q.aggregate ?? {})) {
      if (fn === 'countAll') {
        b.count({ countAll: '*' });
        sortable.set('countAll', 'countAll');
        continue;
      }
      for (const f of fields ?? []) {
        check(f, fn);
        const alias = fn === 'count' && flatCount ? 'count' : `${fn}->${f}`;
        const column = f === '*' ? '*' : `${col.collection}.${f}`;
        if (alias === 'count') sortable.set('count', alias);
        if (fn === 'count') b.count({ [alias]: column });
        else if (fn === 'countDistinct') b.countDistinct({ [alias]: column });
        else if (fn === 'sum') b.sum({ [alias]: column });
        else if (fn === 'avg') b.avg({ [alias]: column });
        else if (fn === 'sumDistinct') b.sumDistinct({ [alias]: column });
        else if (fn === 'avgDistinct') b.avgDistinct({ [alias]: column });
        else if (fn === 'min') b.min({ [alias]: column });
        else if (fn === 'max') b.max({ [alias]: column });
        sortable.set(`${fn}.${f}`, alias);
      }
    }
    // Directus sorts grouped results by a group or an aggregate: `sort=-count.id`.
    for (const entry of q.sort ?? []) {
      const name = entry.startsWith('-') ? entry.slice(1) : entry;
      const by = sortable.get(name);
      if (by === undefined)
        throw errors.INVALID_QUERY({
          reason: `Can't sort an aggregate by "${name}": sort by a groupBy field or an aggregate like "count.id".`,
        });
      const direction = entry.startsWith('-') ? 'desc' : 'asc';
      if (typeof by === 'string') b.orderBy(by, direction);
      else b.orderByRaw(`? ${direction}`, [by]);
    }
    if (q.limit !== undefined && q.limit !== -1) b.limit(q.limit);
    const rows: Item[] = await b;
    return rows.map((row) => {
      const out: Item = {};
      for (const [k, v] of Object.entries(row)) {
        const [fn, f] = k.split('->');
        if (f === undefined) out[k] = (k === 'count' || k === 'countAll') && v !== null ? Number(v) : v;
        else {
          out[fn!] ??= {};
          out[fn!][f] = v === null ? null : Number(v);
        }
      }
      return out;
    });
  }

  async readOne(key: PrimaryKey, query: Query = {}): Promise<Item> {
    const { col } = await this.overview();
    if (this.created?.key === key) this.readingCreated = this.created;
    this.created = undefined;
    const rows = await this.readByQuery({
      ...query,
      filter: { _and: [{ [col.primary]: { _eq: key } }, ...(query.filter ? [query.filter] : [])] },
      limit: 1,
    });
    if (rows.length === 0) throw errors.FORBIDDEN();
    return rows[0]!;
  }

  async readMany(keys: PrimaryKey[], query: Query = {}): Promise<Item[]> {
    const { col } = await this.overview();
    return this.readByQuery({
      ...query,
      filter: { _and: [{ [col.primary]: { _in: keys } }, ...(query.filter ? [query.filter] : [])] },
      limit: query.limit ?? -1,
    });
  }

  async createOne(data: Item, opts: MutationOptions = {}): Promise<PrimaryKey> {
    this.created = undefined;
    const { schema, col } = await this.overview();
    const allowed = await this.grant('create');
    const ctx = this.eventContext(schema);
    const filtered =
      opts.emitEvents === false
        ? data
        : await this.kernel.emitter.emitFilter(
            eventNames(this.collection, 'create'),
            data,
            { collection: this.collection },
            ctx,
          );
    // The host's own write keeps the host's values for the columns only it writes, whatever a filter returned.
    const sent = opts[HOST_WRITE] ? keepHostColumns(this.collection, data, filtered) : filtered;
    if (!opts[HOST_WRITE]) assertClientWrite(this.collection, 'create', sent, this.accountability);
    // As for updates: only the permission rows that allow every field written count.
    const byFields = grantForFields(allowed, sent && typeof sent === 'object' ? Object.keys(sent) : []);
    assertWritable(col, byFields, sent);
    const { payload, presetFields } = withPresets(this.filterContext(), col, byFields, sent);
    const grant = validGrant(this.filterContext(), col, byFields, payload);
    const writable = withFields(grant.fields, presetFields);
    if (!opts[HOST_WRITE]) assertFieldRules(this.filterContext(), col, payload);
    const nested = this.planNested(col, payload, grant);
    // Without related items the row is checked before the transaction (password hashing stays outside it).
    const prepared = nested
      ? undefined
      : await preparePayload(col, payload, 'create', this.accountability, writable, this.kernel.passwords);
    let insertedRow: Item | undefined;
    let key: PrimaryKey;
    // A plain create on SQLite: the same statements without knex's machinery (sqlite-create.ts).
    if (!nested && !grant.filter && canCreateOnSqlite(this.knex, this.collection, prepared!))
      ({ key, inserted: insertedRow } = await this.createLight(col, prepared!));
    else
      key = await this.deferringActions(opts, (inner) =>
        this.atomically(async (db) => {
          const own = nested ? await writeManyToOne(this.nestedContext(schema, db, inner), col, nested) : payload;
          // Related objects are keys now: the rules see the keys the row will hold.
          const kept = nested?.manyToOne.length ? validGrant(this.filterContext(), col, grant, own) : grant;
          if (nested?.manyToOne.length && !opts[HOST_WRITE]) assertFieldRules(this.filterContext(), col, own);
          const row =
            prepared ??
            (await preparePayload(col, own, 'create', this.accountability, writable, this.kernel.passwords));
          let created: PrimaryKey;
          /* A user collection's row as inserted: RETURNING * hands it back for the revision and the response's read-back, saving re-reads. System collections' effects may change it after the insert, so those are re-read. */
          const whole = !this.collection.startsWith('directus_');
          let inserted: Item | undefined;
          try {
            const result = await db(this.collection).insert(row, whole ? ['*'] : [col.primary]);
            const first = result[0] as any;
            if (whole && first && typeof first === 'object') inserted = first;
            created = (row[col.primary] as PrimaryKey) ?? (typeof first === 'object' ? first[col.primary] : first);
          } catch (e) {
            throw await this.databaseError(e);
          }
          await applySystemEffects(db, this.collection, [created], row);
          await recordChange(db, this.accountability, col, 'create', [created], row, inserted ? [inserted] : undefined);
          if (!nested) insertedRow = inserted;
          if (nested) await writeOneToMany(this.nestedContext(schema, db, inner), col, created, nested);
          // The new item must be one the create permission's item filter allows; if not, nothing is kept.
          if (kept.filter) await this.assertKeysAllowed(schema, col, [created], kept, db);
          return created;
        }),
      );
    // Committed (in a transaction of its own): the read-back may use the row. A nested write changed other rows, read from the database.
    if (insertedRow && !this.knex.isTransaction) this.created = { key, row: insertedRow };
    this.emitActionAfter(
      opts,
      eventNames(this.collection, 'create'),
      { key, payload, collection: this.collection },
      schema,
    );
    return key;
  }

  /** createOne's transaction on SQLite as compiled statements (sqlite-create.ts); the insert's own failure gets its coded error. */
  private async createLight(col: CollectionOverview, row: Item): Promise<{ key: PrimaryKey; inserted: Item }> {
    try {
      return await createOnSqlite(this.knex, this.accountability, col, row);
    } catch (e) {
      throw e instanceof InsertFailed ? await this.databaseError(e.cause) : e;
    }
  }

  /** The payload's nested writes, if any; the caller must be allowed to write each relational field it uses. */
  private planNested(col: CollectionOverview, payload: Item, grant: Grant): NestedWrites | null {
    const nested = planNestedWrites(col, payload, this.nestedDepth);
    for (const { field } of [...(nested?.manyToOne ?? []), ...(nested?.oneToMany ?? [])])
      if (!grantsField(grant.fields, field)) throw errors.FORBIDDEN();
    return nested;
  }

  /** Related collections' services for a nested write: same caller, same transaction, one level deeper. */
  private nestedContext(schema: SchemaOverview, db: Knex, opts: MutationOptions): NestedContext {
    const depth = this.nestedDepth;
    const service = (collection: string, nestedDepth: number) =>
      new ItemsService(this.kernel, collection, { accountability: this.accountability, schema, knex: db, nestedDepth });
    return { db, schema, depth, service, opts };
  }

  /** Runs `fn` in the caller's transaction, or in a new one: a change and its history commit together. */
  private atomically<T>(fn: (db: Knex) => Promise<T>): Promise<T> {
    return this.knex.isTransaction ? fn(this.knex) : this.knex.transaction(fn);
  }

  async createMany(data: Item[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    if (!Array.isArray(data)) throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of items.' });
    return this.batch(opts, data, (service, item, inner) => service.createOne(item, inner));
  }

  /**
   * A batch: `write` for each part, on this service (a subclass's too) bound to one transaction, so
   * each part is written as it would be alone and a failure anywhere keeps none; the parts'
   * actions are fired once all of it committed (Directus's collected action events).
   */
  private batch<T>(
    opts: MutationOptions,
    parts: T[],
    write: (service: this, part: T, opts: MutationOptions) => Promise<PrimaryKey>,
  ): Promise<PrimaryKey[]> {
    return this.deferringActions(opts, (inner) => {
      const run = async (trx: Knex) => {
        const service = this.boundTo(trx);
        const keys: PrimaryKey[] = [];
        for (const part of parts) keys.push(await write(service, part, inner));
        return keys;
      };
      return this.knex.isTransaction ? run(this.knex) : this.knex.transaction(run);
    });
  }

  /** Keys (of `keys`) the caller may act on with `grant`; others make the call FORBIDDEN. `db`: inside the write's transaction. */
  private async assertKeysAllowed(
    schema: SchemaOverview,
    col: CollectionOverview,
    keys: PrimaryKey[],
    grant: Grant,
    db: Knex = this.knex,
  ): Promise<void> {
    const b = db(this.collection).select(col.primary).whereIn(col.primary, keys);
    if (grant.filter) applyFilter(b, grant.filter, col, (await this.filterScope(schema, col, grant, undefined)).grant);
    const found = new Set((await b).map((r: Item) => String(r[col.primary])));
    if (keys.some((k) => !found.has(String(k)))) throw errors.FORBIDDEN();
  }

  async updateMany(keys: PrimaryKey[], data: Item, opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    const { schema, col } = await this.overview();
    const allowed = await this.grant('update');
    const ctx = this.eventContext(schema);
    const sent =
      opts.emitEvents === false
        ? data
        : await this.kernel.emitter.emitFilter(
            eventNames(this.collection, 'update'),
            data,
            { keys, collection: this.collection },
            ctx,
          );
    // Only the permission rows that allow every field written, and whose rules it passes, count, on the items they cover.
    const byFields = grantForFields(allowed, sent && typeof sent === 'object' ? Object.keys(sent) : []);
    assertWritable(col, byFields, sent);
    const { payload, presetFields } = withPresets(this.filterContext(), col, byFields, sent);
    const grant = validGrant(this.filterContext(), col, byFields, payload);
    const writable = withFields(grant.fields, presetFields);
    await this.assertKeysAllowed(schema, col, keys, grant);
    if (!opts[HOST_WRITE]) assertClientWrite(this.collection, 'update', sent, this.accountability);
    if (!opts[HOST_WRITE]) assertFieldRules(this.filterContext(), col, payload);
    const nested = this.planNested(col, payload, grant);
    const prepared = nested
      ? undefined
      : await preparePayload(col, payload, 'update', this.accountability, writable, this.kernel.passwords);
    if (nested || Object.keys(prepared!).length > 0) {
      await this.deferringActions(opts, (inner) =>
        this.atomically(async (db) => {
          const own = nested ? await writeManyToOne(this.nestedContext(schema, db, inner), col, nested) : payload;
          if (nested?.manyToOne.length) {
            // Related objects are keys now: the rules see the keys the row will hold, on items that row's filter covers.
            const kept = validGrant(this.filterContext(), col, grant, own);
            if (kept !== grant) await this.assertKeysAllowed(schema, col, keys, kept, db);
            if (!opts[HOST_WRITE]) assertFieldRules(this.filterContext(), col, own);
          }
          const row =
            prepared ??
            (await preparePayload(col, own, 'update', this.accountability, writable, this.kernel.passwords));
          if (Object.keys(row).length > 0) {
            try {
              await db(this.collection).whereIn(col.primary, keys).update(row);
            } catch (e) {
              throw await this.databaseError(e);
            }
            await recordChange(db, this.accountability, col, 'update', keys, row);
            await applySystemEffects(db, this.collection, keys, row);
          }
          if (nested)
            for (const key of keys) await writeOneToMany(this.nestedContext(schema, db, inner), col, key, nested);
        }),
      );
    }
    this.emitActionAfter(
      opts,
      eventNames(this.collection, 'update'),
      { keys, payload, collection: this.collection },
      schema,
    );
    return keys;
  }

  /**
   * Directus's `updateBatch`: each item updated by its own primary key, all in one transaction, so
   * a refusal anywhere keeps none of them.
   */
  async updateBatch(items: Item[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    if (!Array.isArray(items)) throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of items.' });
    const { col } = await this.overview();
    return this.batch(opts, items, (service, item, inner) => {
      if (!item || typeof item !== 'object' || item[col.primary] === undefined)
        throw errors.INVALID_PAYLOAD({ reason: `Every item needs its primary key "${col.primary}".` });
      return service.updateOne(item[col.primary] as PrimaryKey, item, inner);
    });
  }

  /** This service (its subclass and state included) on another connection, such as a transaction. */
  private boundTo(knex: Knex): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, { knex });
  }

  async updateOne(key: PrimaryKey, data: Item, opts: MutationOptions = {}): Promise<PrimaryKey> {
    await this.updateMany([key], data, opts);
    return key;
  }

  async updateByQuery(query: Query, data: Item, opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    const keys = await this.getKeysByQuery(query);
    return keys.length ? this.updateMany(keys, data, opts) : [];
  }

  /** Update when the payload's primary key exists (the key itself is not written), else create. */
  async upsertOne(payload: Item, opts: MutationOptions = {}): Promise<PrimaryKey> {
    const { col } = await this.overview();
    const key = payload[col.primary];
    if (key !== undefined && key !== null) {
      const exists = await this.knex(this.collection).where(col.primary, key).first(col.primary);
      if (exists) {
        const { [col.primary]: _key, ...changes } = payload;
        return this.updateOne(key, changes, opts);
      }
    }
    return this.createOne(payload, opts);
  }

  /** Directus's `upsertMany`: `upsertOne` for each payload, all in one transaction. */
  async upsertMany(payloads: Item[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    if (!Array.isArray(payloads)) throw errors.INVALID_PAYLOAD({ reason: 'Expected a list of items.' });
    return this.batch(opts, payloads, (service, payload, inner) => service.upsertOne(payload, inner));
  }

  /**
   * Directus's `readSingleton`: a singleton collection's one item, or, before it exists, its fields'
   * default values (null for the primary key), limited to `query.fields` unless they name `*`.
   */
  async readSingleton(query: Query = {}, opts: MutationOptions = {}): Promise<Item> {
    const [row] = await this.readByQuery({ ...query, limit: 1 }, opts);
    if (row) return row;
    const { col } = await this.overview();
    const wanted = query.fields && !query.fields.includes('*') ? new Set(query.fields) : null;
    const defaults: Item = {};
    for (const [name, field] of Object.entries(col.fields)) {
      if (field.type === 'alias' || (wanted && !wanted.has(name))) continue;
      defaults[name] = name === col.primary ? null : (field.defaultValue ?? null);
    }
    return defaults;
  }

  /** Directus's `upsertSingleton`: updates the singleton's one item, or creates it. */
  async upsertSingleton(data: Item, opts: MutationOptions = {}): Promise<PrimaryKey> {
    const { col } = await this.overview();
    const row = await this.knex(this.collection).first(col.primary);
    return row ? this.updateOne(row[col.primary] as PrimaryKey, data, opts) : this.createOne(data, opts);
  }

  /**
   * Directus's `getKeysByQuery`: the primary keys of the items `query` finds (all of them unless it
   * sets a limit). Unlike Directus, which reads them without permissions, with the caller's.
   */
  async getKeysByQuery(query: Query): Promise<PrimaryKey[]> {
    const { col } = await this.overview();
    const rows = await this.readByQuery({ ...query, fields: [col.primary], limit: query.limit ?? -1 });
    return rows.map((r) => r[col.primary] as PrimaryKey);
  }

  async deleteMany(keys: PrimaryKey[], opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    const { schema, col } = await this.overview();
    const grant = await this.grant('delete');
    if (!opts[HOST_WRITE]) assertClientWrite(this.collection, 'delete', null, this.accountability);
    await this.assertKeysAllowed(schema, col, keys, grant);
    const ctx = this.eventContext(schema);
    if (opts.emitEvents !== false)
      await this.kernel.emitter.emitFilter(
        eventNames(this.collection, 'delete'),
        keys,
        { collection: this.collection },
        ctx,
      );
    await this.atomically(async (db) => {
      await beforeSystemDelete(db, this.collection, keys);
      try {
        await db(this.collection).whereIn(col.primary, keys).delete();
      } catch (e) {
        throw await this.databaseError(e);
      }
      await recordChange(db, this.accountability, col, 'delete', keys, null);
    });
    this.emitActionAfter(
      opts,
      eventNames(this.collection, 'delete'),
      { keys, payload: keys, collection: this.collection },
      schema,
    );
    return keys;
  }

  async deleteOne(key: PrimaryKey, opts: MutationOptions = {}): Promise<PrimaryKey> {
    await this.deleteMany([key], opts);
    return key;
  }

  async deleteByQuery(query: Query, opts: MutationOptions = {}): Promise<PrimaryKey[]> {
    const keys = await this.getKeysByQuery(query);
    return keys.length ? this.deleteMany(keys, opts) : [];
  }

  /** `meta=total_count,filter_count` for list responses. */
  async meta(query: Query): Promise<{ total_count?: number; filter_count?: number }> {
    const { schema, col } = await this.overview();
    const grant = await this.grant('read');
    const scope = await this.filterScope(schema, col, grant, query.filter);
    const out: { total_count?: number; filter_count?: number } = {};
    if (query.meta?.includes('total_count')) {
      const b = this.knex(this.collection).count({ n: '*' });
      if (grant.filter) applyFilter(b, grant.filter, col, scope.grant);
      out.total_count = Number((await b)[0]!.n);
    }
    if (query.meta?.includes('filter_count')) {
      const b = this.knex(this.collection).count({ n: '*' });
      this.applyQuery(b, col, query, grant, scope);
      out.filter_count = Number((await b)[0]!.n);
    }
    return out;
  }
}
