import {
  GraphQLFloat,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
} from 'graphql';
import { AGGREGATE_FUNCTIONS } from '@annex/protocol';
import type { ItemsService } from '../services/items.js';
import { sanitizeQuery } from '../services/query.js';
import { answeredAs } from '../services/functions.js';
import type { CollectionOverview, FieldOverview } from '../schema/types.js';
import { GraphQLJSON } from './scalars.js';
import { LIST_ARGS, selectedFields, type GraphQLContext } from './items-schema.js';

const NUMERIC = new Set(['integer', 'bigInteger', 'float', 'decimal']);
/**
 * Directus's `<collection>_aggregated` query field: the aggregates are chosen by selecting them
 * (`count { id }`, `sum { price }`, `countAll`), the groups come back under `group`.
 * `fields` are the fields the role reads (introspection shows no other).
 */
export function aggregatedField(
  col: CollectionOverview,
  fields: FieldOverview[],
  service: (ctx: GraphQLContext) => ItemsService,
): GraphQLFieldConfig<unknown, GraphQLContext> {
  const name = col.collection;
  const countType = new GraphQLObjectType({
    name: `${name}_aggregated_count`,
    fields: Object.fromEntries(fields.map((f) => [f.field, { type: GraphQLInt }])),
  });
  const numeric = fields.filter((f) => NUMERIC.has(f.type));
  const numberType = numeric.length
    ? new GraphQLObjectType({
        name: `${name}_aggregated_fields`,
        fields: Object.fromEntries(numeric.map((f) => [f.field, { type: GraphQLFloat }])),
      })
    : undefined;
  const typeFields: GraphQLFieldConfigMap<unknown, GraphQLContext> = {
    group: { type: GraphQLJSON },
    countAll: { type: GraphQLInt },
    count: { type: countType },
    countDistinct: { type: countType },
  };
  if (numberType)
    for (const fn of ['avg', 'sum', 'avgDistinct', 'sumDistinct', 'min', 'max']) typeFields[fn] = { type: numberType };
  return {
    type: new GraphQLList(new GraphQLObjectType({ name: `${name}_aggregated`, fields: typeFields })),
    args: { groupBy: { type: new GraphQLList(GraphQLString) }, ...LIST_ARGS },
    resolve: async (_source, args, ctx, info) => {
      const aggregate: Record<string, string[]> = {};
      for (const path of selectedFields(info)) {
        const [fn, field] = path.split('.') as [string, string | undefined];
        if (fn === 'countAll') aggregate.countAll = ['*'];
        else if (field && (AGGREGATE_FUNCTIONS as readonly string[]).includes(fn)) (aggregate[fn] ??= []).push(field);
      }
      const groups: string[] = args.groupBy ?? [];
      if (!Object.keys(aggregate).length && !groups.length) return [];
      const rows = await service(ctx).readByQuery(
        sanitizeQuery({ ...args, ...(Object.keys(aggregate).length ? { aggregate } : {}) }),
      );
      const keys = groups.map(answeredAs);
      return rows.map((row) => {
        return { ...row, group: Object.fromEntries(keys.map((k) => [k, row[k]])) };
      });
    },
  };
}
