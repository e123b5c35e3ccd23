import type { Accountability } from '../auth/accountability.js';
import type { Action, Permissions } from '../auth/permissions.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { CollectionOverview, FieldOverview, SchemaOverview } from '../schema/types.js';

/** An OpenAPI 3 document, as Directus's SpecificationService builds it (the parts extensions read). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description: string; version: string };
  servers: { url: string; description: string }[];
  paths: Record<string, Record<string, unknown>>;
  tags: { name: string; description?: string; 'x-collection'?: string }[];
  components: {
    schemas: Record<string, unknown>;
    parameters: Record<string, unknown>;
    responses: Record<string, unknown>;
  };
}

const TYPES: Record<string, { type: string; format?: string }> = {
  string: { type: 'string' },
  text: { type: 'string' },
  uuid: { type: 'string', format: 'uuid' },
  hash: { type: 'string' },
  csv: { type: 'array' },
  integer: { type: 'integer' },
  bigInteger: { type: 'integer', format: 'int64' },
  float: { type: 'number', format: 'float' },
  decimal: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  dateTime: { type: 'string', format: 'date-time' },
  time: { type: 'string' },
  timestamp: { type: 'string', format: 'timestamp' },
  json: { type: 'object' },
};

/** `articles` → `ItemsArticles`, `blog_posts` → `ItemsBlogPosts` (Directus's tag and schema names). */
function itemsName(collection: string): string {
  return (
    'Items' +
    collection
      .split(/[_\-\s]+/)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  );
}

function fieldSchema(field: FieldOverview): Record<string, unknown> {
  if (field.relatedCollection && !field.o2m)
    return {
      nullable: field.nullable,
      oneOf: [
        TYPES[field.type] ?? { type: 'string' },
        { $ref: `#/components/schemas/${itemsName(field.relatedCollection)}` },
      ],
    };
  if (field.o2m)
    return {
      nullable: true,
      type: 'array',
      items: { $ref: `#/components/schemas/${itemsName(field.o2m.collection)}` },
    };
  const base = TYPES[field.type] ?? { type: 'string' };
  return {
    ...base,
    ...(base.type === 'array' ? { items: { type: 'string' } } : {}),
    nullable: field.nullable,
    ...(field.note ? { description: field.note } : {}),
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const dataOf = (schema: unknown) => json({ type: 'object', properties: { data: schema } });

function collectionPaths(c: CollectionOverview, actions: Set<Action>): Record<string, Record<string, unknown>> {
  const name = itemsName(c.collection);
  const tags = [name];
  const list: Record<string, unknown> = {};
  const one: Record<string, unknown> = {};
  const ops = { 200: { description: 'Successful request' }, 401: ref('UnauthorizedError'), 404: ref('NotFoundError') };
  const many = {
    200: { description: 'Successful request', ...dataOf({ type: 'array', items: ref(name) }) },
    401: { $ref: '#/components/responses/UnauthorizedError' },
  };
  const single = {
    200: { description: 'Successful request', ...dataOf(ref(name)) },
    401: { $ref: '#/components/responses/UnauthorizedError' },
    404: { $ref: '#/components/responses/NotFoundError' },
  };
  const query = ['Fields', 'Limit', 'Meta', 'Offset', 'Sort', 'Filter', 'Search'].map((p) => ({
    $ref: `#/components/parameters/${p}`,
  }));
  const id = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Index of the item.',
    schema: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
  };
  if (actions.has('read')) {
    list.get = {
      summary: `List Items`,
      description: `List the ${c.collection} items.`,
      operationId: `read${name}`,
      tags,
      parameters: query,
      responses: many,
    };
    one.get = {
      summary: `Retrieve an Item`,
      description: `Retrieve a single ${c.collection} item by unique identifier.`,
      operationId: `readSingle${name}`,
      tags,
      parameters: [id, { $ref: '#/components/parameters/Fields' }],
      responses: single,
    };
  }
  if (actions.has('create'))
    list.post = {
      summary: 'Create an Item',
      description: `Create a new ${c.collection} item.`,
      operationId: `create${name}`,
      tags,
      requestBody: json({ oneOf: [{ type: 'array', items: ref(name) }, ref(name)] }),
      responses: many,
    };
  if (actions.has('update')) {
    list.patch = {
      summary: 'Update Multiple Items',
      description: `Update multiple ${c.collection} items at the same time.`,
      operationId: `update${name}`,
      tags,
      requestBody: json({ type: 'object', properties: { keys: { type: 'array', items: {} }, data: ref(name) } }),
      responses: many,
    };
    one.patch = {
      summary: 'Update an Item',
      description: `Update an existing ${c.collection} item.`,
      operationId: `updateSingle${name}`,
      tags,
      parameters: [id],
      requestBody: json(ref(name)),
      responses: single,
    };
  }
  if (actions.has('delete')) {
    list.delete = {
      summary: 'Delete Multiple Items',
      description: `Delete multiple existing ${c.collection} items.`,
      operationId: `delete${name}`,
      tags,
      requestBody: json({ type: 'array', items: {} }),
      responses: ops,
    };
    one.delete = {
      summary: 'Delete an Item',
      description: `Delete an existing ${c.collection} item.`,
      operationId: `deleteSingle${name}`,
      tags,
      parameters: [id],
      responses: ops,
    };
  }
  const out: Record<string, Record<string, unknown>> = {};
  if (Object.keys(list).length) out[`/items/${c.collection}`] = list;
  if (Object.keys(one).length && !c.singleton) out[`/items/${c.collection}/{id}`] = one;
  return out;
}

const PARAMETERS = {
  Fields: {
    name: 'fields',
    in: 'query',
    description: 'Control what fields are being returned in the object.',
    required: false,
    explode: false,
    schema: { type: 'array', items: { type: 'string' } },
  },
  Limit: {
    name: 'limit',
    in: 'query',
    description: 'A limit on the number of objects that are returned.',
    required: false,
    schema: { type: 'integer' },
  },
  Meta: {
    name: 'meta',
    in: 'query',
    description: 'What metadata to return in the response.',
    required: false,
    schema: { type: 'string' },
  },
  Offset: {
    name: 'offset',
    in: 'query',
    description: 'How many items to skip when fetching data.',
    required: false,
    schema: { type: 'integer' },
  },
  Sort: {
    name: 'sort',
    in: 'query',
    description: 'How to sort the returned items.',
    required: false,
    explode: false,
    schema: { type: 'array', items: { type: 'string' } },
  },
  Filter: {
    name: 'filter',
    in: 'query',
    description: 'Select items in collection by given conditions.',
    required: false,
    content: { 'application/json': { schema: { type: 'object' } } },
  },
  Search: {
    name: 'search',
    in: 'query',
    description: 'Filter by items that contain the given search query in one of their fields.',
    required: false,
    schema: { type: 'string' },
  },
};
const RESPONSES = {
  NotFoundError: {
    description: 'Error: Not found.',
    ...json({
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' } } } },
    }),
  },
  UnauthorizedError: {
    description: 'Error: Unauthorized request',
    ...json({
      type: 'object',
      properties: { error: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' } } } },
    }),
  },
};

export interface SpecificationKernel {
  schema: SchemaStore;
  permissions: Permissions;
}

/**
 * Builds Directus's `SpecificationService`: `new SpecificationService({accountability, schema}).oas.generate()`
 * is an OpenAPI 3 document of the item routes the accountability may use, one schema per collection.
 */
export function createSpecificationService(
  kernel: SpecificationKernel,
  resolve: (a: Accountability | null | undefined) => Accountability,
  info: { version: string; url?: string },
) {
  return class SpecificationService {
    readonly oas: { generate(): Promise<OpenApiDocument> };
    constructor(options: { accountability?: Accountability | null; schema?: SchemaOverview } = {}) {
      const accountability = resolve(options.accountability);
      this.oas = {
        async generate(): Promise<OpenApiDocument> {
          const schema = options.schema ?? (await kernel.schema.get());
          const doc: OpenApiDocument = {
            openapi: '3.0.1',
            info: {
              title: 'Dynamic API Specification',
              description:
                'This is a dynamically generated API specification for all endpoints existing on the current project.',
              version: info.version,
            },
            servers: info.url ? [{ url: info.url, description: 'Your current Directus instance.' }] : [],
            paths: {},
            tags: [],
            components: { schemas: {}, parameters: { ...PARAMETERS }, responses: { ...RESPONSES } },
          };
          for (const c of Object.values(schema.collections).sort((a, b) => a.collection.localeCompare(b.collection))) {
            if (c.system) continue;
            const actions = new Set<Action>();
            for (const action of ['read', 'create', 'update', 'delete'] as const)
              if (await kernel.permissions.grant(accountability, c.collection, action)) actions.add(action);
            if (!actions.size) continue;
            const name = itemsName(c.collection);
            doc.tags.push({ name, ...(c.note ? { description: c.note } : {}), 'x-collection': c.collection });
            doc.components.schemas[name] = {
              type: 'object',
              properties: Object.fromEntries(Object.values(c.fields).map((f) => [f.field, fieldSchema(f)])),
              'x-collection': c.collection,
            };
            Object.assign(doc.paths, collectionPaths(c, actions));
          }
          return doc;
        },
      };
    }
  };
}
