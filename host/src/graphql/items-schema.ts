import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLScalarType,
  type SelectionNode,
} from 'graphql';
import type { Accountability } from '../auth/accountability.js';
import type { Item, PrimaryKey } from '../services/items.js';
import type { Services } from '../services/namespace.js';
import { sanitizeQuery } from '../services/query.js';
import type { CollectionOverview, FieldType, SchemaOverview } from '../schema/types.js';
import { GraphQLJSON } from './scalars.js';
import { aggregatedField } from './aggregated.js';
import { DATE_FUNCTIONS } from '../services/functions.js';
import { errors } from '../errors.js';

export interface GraphQLContext {
  accountability: Accountability;
  services: Services;
  /** Items every field of this request may return in all. */
  rowBudget?: { left: number };
  /** The changes of a collection, for `<collection>_mutated` (only over the realtime WebSocket). */
  follow?: FollowChanges;
}

/** One `<collection>_mutated` event (Directus's): the item's key, what happened, the item as the subscriber may read it. */
export interface MutatedEvent {
  key: PrimaryKey;
  event: 'create' | 'update' | 'delete';
  data: Item | null;
}

/** Follows `collection`'s committed changes (`event`: only those), reading `fields` of each changed item. */
export type FollowChanges = (
  collection: string,
  event: MutatedEvent['event'] | undefined,
  fields: string[],
) => Promise<AsyncIterableIterator<MutatedEvent>>;

function scalarFor(type: FieldType): GraphQLScalarType {
  switch (type) {
    case 'integer':
      return GraphQLInt;
    case 'bigInteger':
    case 'float':
    case 'decimal':
      return GraphQLFloat;
    case 'boolean':
      return GraphQLBoolean;
    case 'json':
    case 'csv':
      return GraphQLJSON;
    default:
      return GraphQLString;
  }
}

/**
 * The field paths selected under the resolver's field (`title`, `author.name`), through fragments.
 * Each fragment is expanded once and every level deduplicated: a fragment spread twice per level
 * (`F2 { ...F1 ...F1 }`) costs as much as once, not twice as much per level.
 */
export function selectedFields(info: GraphQLResolveInfo): string[] {
  const expanded = new Map<string, string[]>();
  const paths = (selections: readonly SelectionNode[], inProgress: ReadonlySet<string>): string[] => {
    const out = new Set<string>();
    for (const sel of selections) {
      if (sel.kind === 'Field') {
        if (sel.name.value === '__typename') continue;
        if (sel.selectionSet)
          for (const p of paths(sel.selectionSet.selections, inProgress)) out.add(`${sel.name.value}.${p}`);
        else out.add(sel.name.value);
      } else if (sel.kind === 'InlineFragment') {
        for (const p of paths(sel.selectionSet.selections, inProgress)) out.add(p);
      } else {
        const name = sel.name.value;
        const fragment = info.fragments[name];
        if (!fragment || inProgress.has(name)) continue;
        let own = expanded.get(name);
        if (!own) {
          own = paths(fragment.selectionSet.selections, new Set([...inProgress, name]));
          expanded.set(name, own);
        }
        for (const p of own) out.add(p);
      }
    }
    return [...out];
  };
  const all = new Set<string>();
  for (const node of info.fieldNodes)
    for (const p of paths(node.selectionSet?.selections ?? [], new Set())) all.add(asFunction(p));
  return [...all];
}

/** Directus's GraphQL function fields as the query's: `published_func.year` → `year(published)`. */
function asFunction(path: string): string {
  return path.replace(
    /(^|\.)([^.]+)_func\.([a-z]+)$/,
    (_m, at: string, field: string, fn: string) => `${at}${fn}(${field})`,
  );
}

/** The arguments of a list query (Directus's), for items and their aggregates alike. */
export const LIST_ARGS = {
  filter: { type: GraphQLJSON },
  sort: { type: new GraphQLList(GraphQLString) },
  limit: { type: GraphQLInt },
  offset: { type: GraphQLInt },
  page: { type: GraphQLInt },
  search: { type: GraphQLString },
};

const FUNCTION_PARTS = {
  date: DATE_FUNCTIONS.filter((fn) => !['hour', 'minute', 'second'].includes(fn)),
  time: ['hour', 'minute', 'second'],
  dateTime: DATE_FUNCTIONS,
  count: ['count'],
} as const;

/**
 * Directus's `<field>_func` object types (`datetime_functions`, `date_functions`,
 * `time_functions`, `count_functions`): each part read from the row's `<field>_<part>`.
 */
function functionTypes() {
  const make = (name: string, parts: readonly string[]) =>
    new GraphQLObjectType({ name, fields: Object.fromEntries(parts.map((p) => [p, { type: GraphQLInt }])) });
  return {
    date: make('date_functions', FUNCTION_PARTS.date),
    time: make('time_functions', FUNCTION_PARTS.time),
    dateTime: make('datetime_functions', FUNCTION_PARTS.dateTime),
    count: make('count_functions', FUNCTION_PARTS.count),
  };
}

/** The `<field>_func` field of a row: its parts from the row's `<field>_<part>` keys. */
function functionField(
  type: GraphQLObjectType,
  field: string,
  parts: readonly string[],
): GraphQLFieldConfig<unknown, GraphQLContext> {
  return {
    type,
    resolve: (row) => {
      const values = row as Record<string, unknown>;
      return Object.fromEntries(parts.map((p) => [p, values[`${field}_${p}`] ?? null]));
    },
  };
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Directus's `<collection>_mutated(event)` subscription: `{ key, event, data }` per changed item,
 * `data` read with the subscriber's permissions (null for a deletion).
 */
function mutatedField(
  collection: string,
  type: GraphQLObjectType,
  eventEnum: GraphQLEnumType,
): GraphQLFieldConfig<unknown, GraphQLContext> {
  return {
    type: new GraphQLObjectType({
      name: `${collection}_mutated`,
      fields: { key: { type: new GraphQLNonNull(GraphQLID) }, event: { type: eventEnum }, data: { type } },
    }),
    args: { event: { type: eventEnum } },
    subscribe: (_s, args, ctx, info) => {
      if (!ctx.follow) throw errors.INVALID_PAYLOAD({ reason: 'A subscription is served over the WebSocket.' });
      const fields = selectedFields(info)
        .filter((p) => p.startsWith('data.'))
        .map((p) => p.slice('data.'.length));
      return ctx.follow(collection, args.event ?? undefined, fields);
    },
    resolve: (event) => event,
  };
}

/** The `/graphql` schema for the collections `visible` (Directus naming: `articles`, `articles_by_id`, `create_articles_item`…). */
/** Which fields of a collection the role has for an action (absent: every field, as for administrators). */
export type FieldAccess = (collection: string, action: 'read' | 'create' | 'update') => string[] | '*';

export function buildItemsSchema(
  schema: SchemaOverview,
  visible: CollectionOverview[],
  access: FieldAccess = () => '*',
): GraphQLSchema {
  const query: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
  const mutation: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
  const subscription: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
  const eventEnum = new GraphQLEnumType({
    name: 'EventEnum',
    values: { create: { value: 'create' }, update: { value: 'update' }, delete: { value: 'delete' } },
  });
  const deleteOne = new GraphQLObjectType({ name: 'delete_one', fields: { id: { type: GraphQLID } } });
  const deleteMany = new GraphQLObjectType({
    name: 'delete_many',
    fields: { ids: { type: new GraphQLList(GraphQLID) } },
  });
  const collections = visible.filter((col) => !col.system && NAME.test(col.collection));
  // Introspection shows a role only the fields it has (the key always: an object type needs a field).
  const fieldsOf = (col: CollectionOverview, action: 'read' | 'create' | 'update' = 'read') => {
    const granted = access(col.collection, action);
    return Object.values(col.fields).filter(
      (f) => f.type !== 'alias' && NAME.test(f.field) && (f.primary || granted === '*' || granted.includes(f.field)),
    );
  };
  const hasAlias = (col: CollectionOverview, field: string, action: 'read' | 'create' | 'update') => {
    const granted = access(col.collection, action);
    return granted === '*' || granted.includes(field);
  };
  // A many-to-one field is the related collection's type when this role can read it (as in Directus), else its key.
  const types = new Map<string, GraphQLObjectType>();
  const fnTypes = functionTypes();
  for (const col of collections) {
    types.set(
      col.collection,
      new GraphQLObjectType({
        name: col.collection,
        fields: () => {
          const objectFields: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
          for (const f of fieldsOf(col)) {
            const related = f.relatedCollection && !f.primary ? types.get(f.relatedCollection) : undefined;
            objectFields[f.field] = {
              type: (related ?? (f.primary ? GraphQLID : scalarFor(f.type))) as GraphQLOutputType,
            };
            // Directus's date parts: `published_func { year month }`.
            const kind =
              f.type === 'date' ? 'date' : f.type === 'dateTime' || f.type === 'timestamp' ? 'dateTime' : null;
            if (kind && !col.fields[`${f.field}_func`])
              objectFields[`${f.field}_func`] = functionField(fnTypes[kind], f.field, FUNCTION_PARTS[kind]);
          }
          // One-to-many alias fields: the list of related items, when this role can read their collection.
          for (const f of Object.values(col.fields)) {
            const many =
              f.o2m && NAME.test(f.field) && hasAlias(col, f.field, 'read') ? types.get(f.o2m.collection) : undefined;
            if (many) {
              objectFields[f.field] = { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(many))) };
              // Directus's `comments_func { count }`.
              if (!col.fields[`${f.field}_func`])
                objectFields[`${f.field}_func`] = functionField(fnTypes.count, f.field, FUNCTION_PARTS.count);
            }
          }
          return objectFields;
        },
      }),
    );
  }
  // Inputs nest like Directus's: a relational field takes the related collection's input (`author: {id: 3}`, `posts: [{title: "a"}]`).
  const inputs = new Map<string, { create: GraphQLInputObjectType; update: GraphQLInputObjectType }>();
  const inputFields = (col: CollectionOverview, mode: 'create' | 'update'): GraphQLInputFieldConfigMap => {
    const out: GraphQLInputFieldConfigMap = {};
    for (const f of fieldsOf(col, mode)) {
      if (mode === 'create' && f.generated) continue;
      const related = f.relatedCollection && !f.primary ? inputs.get(f.relatedCollection)?.[mode] : undefined;
      const type = related ?? (f.primary ? GraphQLID : scalarFor(f.type));
      out[f.field] = { type: mode === 'create' && f.required && !f.primary ? new GraphQLNonNull(type) : type };
    }
    for (const f of Object.values(col.fields)) {
      const many =
        f.o2m && NAME.test(f.field) && hasAlias(col, f.field, mode) ? inputs.get(f.o2m.collection)?.[mode] : undefined;
      if (many) out[f.field] = { type: new GraphQLList(new GraphQLNonNull(many)) };
    }
    // An input type needs a field (a collection of only a generated key has none to set).
    return Object.keys(out).length ? out : { _: { type: GraphQLString } };
  };
  for (const col of collections) {
    inputs.set(col.collection, {
      create: new GraphQLInputObjectType({
        name: `create_${col.collection}_input`,
        fields: () => inputFields(col, 'create'),
      }),
      update: new GraphQLInputObjectType({
        name: `update_${col.collection}_input`,
        fields: () => inputFields(col, 'update'),
      }),
    });
  }
  for (const col of collections) {
    const name = col.collection;
    const { create, update } = inputs.get(name)!;
    const type = types.get(name)!;
    const service = (ctx: GraphQLContext) =>
      new ctx.services.ItemsService(name, {
        accountability: ctx.accountability,
        schema,
        ...(ctx.rowBudget ? { rowBudget: ctx.rowBudget } : {}),
      });
    // Directus's `version` argument: the item as that content version has it.
    const read = (ctx: GraphQLContext, id: PrimaryKey, version: string | null | undefined, fields: string[]) =>
      version
        ? new ctx.services.VersionsService({ accountability: ctx.accountability, schema }).readItem(name, id, version, {
            fields,
          })
        : service(ctx).readOne(id, { fields });
    /** A singleton's one item (or null), as `version` has it when one is given (then only its key is read first). */
    const readSingleton = async (ctx: GraphQLContext, version: string | null | undefined, fields: string[]) => {
      const [row] = await service(ctx).readByQuery({
        fields: version ? [col.primary] : [...fields, col.primary],
        limit: 1,
      });
      if (!row || !version) return row ?? null;
      return read(ctx, row[col.primary] as PrimaryKey, version, fields);
    };
    // A singleton is its one item (or null), as in Directus; other collections are lists.
    query[name] = col.singleton
      ? {
          type,
          args: { version: { type: GraphQLString } },
          resolve: (_s, args, ctx, info) => readSingleton(ctx, args.version, selectedFields(info)),
        }
      : {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
          args: LIST_ARGS,
          resolve: (_s, args, ctx, info) =>
            service(ctx).readByQuery(sanitizeQuery({ ...args, fields: selectedFields(info) })),
        };
    query[`${name}_by_id`] = {
      type,
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, version: { type: GraphQLString } },
      resolve: (_s, args, ctx, info) => read(ctx, args.id, args.version, selectedFields(info)),
    };
    // Directus's `<collection>_by_version`: the item as a content version has it (`id` but for a singleton).
    query[`${name}_by_version`] = {
      type,
      args: col.singleton
        ? { version: { type: new GraphQLNonNull(GraphQLString) } }
        : { version: { type: new GraphQLNonNull(GraphQLString) }, id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: (_s, args, ctx, info) =>
        col.singleton
          ? readSingleton(ctx, args.version, selectedFields(info))
          : read(ctx, args.id, args.version, selectedFields(info)),
    };
    query[`${name}_aggregated`] = aggregatedField(col, fieldsOf(col), service);
    mutation[`create_${name}_item`] = {
      type,
      args: { data: { type: new GraphQLNonNull(create) } },
      resolve: async (_s, args, ctx, info) => {
        const s = service(ctx);
        return s.readOne(await s.createOne({ ...args.data }), { fields: selectedFields(info) });
      },
    };
    mutation[`create_${name}_items`] = {
      type: new GraphQLList(type),
      args: { data: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(create))) } },
      resolve: async (_s, args, ctx, info) => {
        const s = service(ctx);
        return s.readMany(await s.createMany(args.data.map((d: object) => ({ ...d }))), {
          fields: selectedFields(info),
        });
      },
    };
    mutation[`update_${name}_item`] = {
      type,
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, data: { type: new GraphQLNonNull(update) } },
      resolve: async (_s, args, ctx, info) => {
        const s = service(ctx);
        return s.readOne(await s.updateOne(args.id, { ...args.data }), { fields: selectedFields(info) });
      },
    };
    mutation[`update_${name}_items`] = {
      type: new GraphQLList(type),
      args: {
        ids: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) },
        data: { type: new GraphQLNonNull(update) },
      },
      resolve: async (_s, args, ctx, info) => {
        const s = service(ctx);
        return s.readMany(await s.updateMany(args.ids, { ...args.data }), { fields: selectedFields(info) });
      },
    };
    // Each item names itself by its primary key; one transaction for all of them.
    mutation[`update_${name}_batch`] = {
      type: new GraphQLList(type),
      args: { data: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(update))) } },
      resolve: async (_s, args, ctx, info) => {
        const s = service(ctx);
        return s.readMany(await s.updateBatch(args.data.map((d: object) => ({ ...d }))), {
          fields: selectedFields(info),
        });
      },
    };
    mutation[`delete_${name}_item`] = {
      type: deleteOne,
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: async (_s, args, ctx) => ({ id: await service(ctx).deleteOne(args.id) }),
    };
    subscription[`${name}_mutated`] = mutatedField(name, type, eventEnum);
    mutation[`delete_${name}_items`] = {
      type: deleteMany,
      args: { ids: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) } },
      resolve: async (_s, args, ctx) => ({ ids: await service(ctx).deleteMany(args.ids) }),
    };
  }
  if (Object.keys(query).length === 0) query._empty = { type: GraphQLString, resolve: () => null };
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: query }),
    mutation: Object.keys(mutation).length ? new GraphQLObjectType({ name: 'Mutation', fields: mutation }) : undefined,
    subscription: Object.keys(subscription).length
      ? new GraphQLObjectType({ name: 'Subscription', fields: subscription })
      : undefined,
  });
}
