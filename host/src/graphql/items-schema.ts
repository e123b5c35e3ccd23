import {
  GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInputObjectType, GraphQLInt, GraphQLList, GraphQLNonNull,
  GraphQLObjectType, GraphQLSchema, GraphQLString, type GraphQLFieldConfigMap, type GraphQLInputFieldConfigMap,
  type GraphQLOutputType, type GraphQLResolveInfo, type GraphQLScalarType,
} from 'graphql';
import type { Accountability } from '../auth/accountability.js';
import type { Services } from '../services/namespace.js';
import { sanitizeQuery } from '../services/query.js';
import type { CollectionOverview, FieldType, SchemaOverview } from '../schema/types.js';
import { GraphQLJSON } from './scalars.js';

export interface GraphQLContext {
  accountability: Accountability;
  services: Services;
}

function scalarFor(type: FieldType): GraphQLScalarType {
  switch (type) {
    case 'integer': return GraphQLInt;
    case 'bigInteger': case 'float': case 'decimal': return GraphQLFloat;
    case 'boolean': return GraphQLBoolean;
    case 'json': case 'csv': return GraphQLJSON;
    default: return GraphQLString;
  }
}

/** Top-level field names selected under the resolver's field (no relational nesting). */
export function selectedFields(info: GraphQLResolveInfo): string[] {
  const out: string[] = [];
  for (const node of info.fieldNodes) {
    for (const sel of node.selectionSet?.selections ?? []) if (sel.kind === 'Field' && sel.name.value !== '__typename') out.push(sel.name.value);
  }
  return out;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The `/graphql` schema for the collections `visible` (Directus naming: `articles`, `articles_by_id`, `create_articles_item`…). */
export function buildItemsSchema(schema: SchemaOverview, visible: CollectionOverview[]): GraphQLSchema {
  const query: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
  const mutation: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
  const deleteOne = new GraphQLObjectType({ name: 'delete_one', fields: { id: { type: GraphQLID } } });
  const deleteMany = new GraphQLObjectType({ name: 'delete_many', fields: { ids: { type: new GraphQLList(GraphQLID) } } });
  for (const col of visible) {
    if (col.system || !NAME.test(col.collection)) continue;
    const name = col.collection;
    const fields = Object.values(col.fields).filter((f) => f.type !== 'alias' && NAME.test(f.field));
    const objectFields: GraphQLFieldConfigMap<unknown, GraphQLContext> = {};
    const createInput: GraphQLInputFieldConfigMap = {};
    const updateInput: GraphQLInputFieldConfigMap = {};
    for (const f of fields) {
      const scalar = f.primary ? GraphQLID : scalarFor(f.type);
      objectFields[f.field] = { type: scalar as GraphQLOutputType };
      if (!f.generated) createInput[f.field] = { type: f.required && !f.primary ? new GraphQLNonNull(scalar) : scalar };
      if (!f.primary) updateInput[f.field] = { type: scalar };
    }
    const type = new GraphQLObjectType({ name, fields: objectFields });
    const create = new GraphQLInputObjectType({ name: `create_${name}_input`, fields: Object.keys(createInput).length ? createInput : { _: { type: GraphQLString } } });
    const update = new GraphQLInputObjectType({ name: `update_${name}_input`, fields: Object.keys(updateInput).length ? updateInput : { _: { type: GraphQLString } } });
    const service = (ctx: GraphQLContext) => new ctx.services.ItemsService(name, { accountability: ctx.accountability, schema });
    const listArgs = {
      filter: { type: GraphQLJSON }, sort: { type: new GraphQLList(GraphQLString) }, limit: { type: GraphQLInt },
      offset: { type: GraphQLInt }, page: { type: GraphQLInt }, search: { type: GraphQLString },
    };
    query[name] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(type))),
      args: listArgs,
      resolve: (_s, args, ctx, info) => service(ctx).readByQuery(sanitizeQuery({ ...args, fields: selectedFields(info) })),
    };
    query[`${name}_by_id`] = {
      type,
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: (_s, args, ctx, info) => service(ctx).readOne(args.id, { fields: selectedFields(info) }),
    };
    query[`${name}_aggregated`] = {
      type: new GraphQLList(GraphQLJSON),
      args: { aggregate: { type: GraphQLJSON }, groupBy: { type: new GraphQLList(GraphQLString) }, filter: { type: GraphQLJSON } },
      resolve: (_s, args, ctx) => service(ctx).readByQuery(sanitizeQuery(args)),
    };
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
        return s.readMany(await s.createMany(args.data.map((d: object) => ({ ...d }))), { fields: selectedFields(info) });
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
    mutation[`delete_${name}_item`] = {
      type: deleteOne,
      args: { id: { type: new GraphQLNonNull(GraphQLID) } },
      resolve: async (_s, args, ctx) => ({ id: await service(ctx).deleteOne(args.id) }),
    };
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
  });
}
