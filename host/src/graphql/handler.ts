import {
  execute,
  getOperationAST,
  GraphQLError as GraphQLErrorClass,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type GraphQLError,
} from 'graphql';
import { expandedSize } from '../services/items.js';
import type { Accountability } from '../auth/accountability.js';
import { errors, type HostErrorCode } from '../errors.js';
import type { ExtensionManager } from '../extensions/manager.js';
import type { Kernel } from '../kernel.js';
import type { MarketplaceService } from '../marketplace/service.js';
import type { Services } from '../services/namespace.js';
import { buildItemsSchema, type GraphQLContext } from './items-schema.js';
import { buildSystemSchema } from './system-schema.js';
import { recordExtensionChange } from '../audit/activity.js';

/** Items one GraphQL request may return over all its fields and relations. */
const MAX_GRAPHQL_ITEMS = 100_000;

const VALIDATION_CODE: HostErrorCode = 'GRAPHQL_VALIDATION';
const HIDDEN_CODE: HostErrorCode = 'INTERNAL_SERVER_ERROR';

export function formatError(e: GraphQLError) {
  const original = e.originalError as { code?: string; status?: number; expose?: boolean } | undefined;
  const code = original?.code ?? VALIDATION_CODE;
  const expose = original?.code ? original.expose !== false && (original.status ?? 500) < 500 : true;
  return {
    message: expose ? e.message : 'An unexpected error occurred.',
    extensions: { code: expose ? code : HIDDEN_CODE },
    ...(e.path ? { path: e.path } : {}),
  };
}

/** What the items schemas are built from (the HTTP handler's kernel and the realtime built-in's surface both have it). */
export interface ItemsSchemaKernel {
  schema: Pick<Kernel['schema'], 'get' | 'version'>;
  permissions: Pick<Kernel['permissions'], 'list' | 'grant' | 'version'>;
}

/**
 * The `/graphql` schema of a caller: built per role from the collections it may read, cached
 * until the schema or permissions change.
 */
export function createItemsSchemas(
  kernel: ItemsSchemaKernel,
): (accountability: Accountability) => Promise<GraphQLSchema> {
  const cache = new Map<string, GraphQLSchema>();
  return async function itemsSchema(accountability: Accountability): Promise<GraphQLSchema> {
    const role = accountability.admin ? '$admin' : (accountability.role ?? '$public');
    const key = `${kernel.schema.version()}:${kernel.permissions.version()}:${role}`;
    let s = cache.get(key);
    if (!s && cache.size > 64) cache.clear();
    if (!s) {
      const schema = await kernel.schema.get();
      let visible = Object.values(schema.collections);
      const fields = new Map<string, string[] | '*'>();
      if (!accountability.admin) {
        const readable = new Set(
          (await kernel.permissions.list(accountability))
            .filter((p) => p.action === 'read' || p.action === 'create')
            .map((p) => p.collection),
        );
        visible = visible.filter((c) => readable.has(c.collection));
        for (const c of visible) {
          for (const action of ['read', 'create', 'update'] as const)
            fields.set(
              `${c.collection}:${action}`,
              (await kernel.permissions.grant(accountability, c.collection, action))?.fields ?? [],
            );
        }
      }
      s = buildItemsSchema(
        schema,
        visible,
        accountability.admin ? undefined : (collection, action) => fields.get(`${collection}:${action}`) ?? [],
      );
      cache.set(key, s);
    }
    return s;
  };
}

/** An execution's answer as the API sends it: coded errors, and refused when aliases repeat too many items. */
export function shapeResult(result: ExecutionResult): { data: unknown; errors?: ReturnType<typeof formatError>[] } {
  // Aliases write the same items out again (graphql-js repeats them per alias): the answer itself must fit too.
  if (result.data && expandedSize(result.data) > MAX_GRAPHQL_ITEMS) {
    const tooMany = errors.INVALID_QUERY({
      reason: 'The query returns too many items (aliases repeat what they select); ask for fewer.',
    });
    return { data: null, errors: [formatError(new GraphQLErrorClass(tooMany.message, { originalError: tooMany }))] };
  }
  return { data: result.data ?? null, ...(result.errors ? { errors: result.errors.map(formatError) } : {}) };
}

/** The context of one operation: who runs it, the services, one item budget for all its fields. */
export function operationContext(accountability: Accountability, services: Services): GraphQLContext {
  return { accountability, services, rowBudget: { left: MAX_GRAPHQL_ITEMS } };
}

/** Executes GraphQL requests for `/graphql` (items) and `/graphql/system`. */
export function createGraphQLHandler(
  kernel: Kernel & { extensions: ExtensionManager; marketplace?: MarketplaceService },
) {
  const itemsSchema = createItemsSchemas(kernel);
  let system: GraphQLSchema | undefined;

  /** `readOnly` (a GET request): mutations are refused, as in Directus, so a link cannot change data. */
  return async function run(
    scope: 'items' | 'system',
    request: { query?: unknown; variables?: unknown; operationName?: unknown },
    accountability: Accountability,
    services: Services,
    options: { readOnly?: boolean } = {},
  ) {
    if (typeof request.query !== 'string' || !request.query)
      throw errors.INVALID_PAYLOAD({ reason: 'A GraphQL "query" string is required.' });
    // Parsed once, and only up to the token limit (an alias bomb is long); one item budget serves every field.
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens: kernel.config.graphqlTokenLimit });
    } catch (err) {
      return { data: null, errors: [formatError(err as GraphQLError)] };
    }
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    const operation = getOperationAST(document, operationName)?.operation;
    if (options.readOnly && operation === 'mutation')
      throw errors.METHOD_NOT_ALLOWED({ reason: 'A GraphQL mutation must be sent with POST.' });
    if (operation === 'subscription')
      throw errors.INVALID_PAYLOAD({
        reason: 'A GraphQL subscription is served over the WebSocket at WEBSOCKETS_GRAPHQL_PATH (docs/realtime.md).',
      });
    let variables = request.variables;
    if (typeof variables === 'string') {
      try {
        variables = JSON.parse(variables);
      } catch {
        throw errors.INVALID_PAYLOAD({ reason: '"variables" must be JSON.' });
      }
    }
    const schema =
      scope === 'system'
        ? (system ??= buildSystemSchema(
            kernel.extensions,
            kernel.knex,
            () => kernel.marketplace,
            (actor, action, item, details) =>
              recordExtensionChange(kernel.knex, kernel.logger, actor, action, item, details),
          ))
        : await itemsSchema(accountability);
    const invalid = validate(schema, document);
    if (invalid.length) return { data: null, errors: invalid.map(formatError) };
    const result = await execute({
      schema,
      document,
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName,
      contextValue: operationContext(accountability, services),
    });
    return shapeResult(result);
  };
}
