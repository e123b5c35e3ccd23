import { errors } from '../errors.js';
import { getSanitizedQuery } from '../http/sanitized-query.js';
import type { Item, PrimaryKey } from '../services/items.js';
import type { Services } from '../services/namespace.js';
import type { SchemaStore } from '../schema/schema-store.js';
import type { Accountability } from '../auth/accountability.js';
import { ItemsMessage, RealtimeError, type Message } from './protocol.js';

/**
 * Directus's `items` messages: create, read, update and delete items of a user collection over
 * the socket, with the connection's accountability, as the REST routes would. Answers
 * `{ type: 'items', data, meta? }`.
 */
export async function answerItems(
  kernel: { services: Services; schema: SchemaStore },
  accountability: Accountability,
  raw: Message,
): Promise<{ data: unknown; meta?: unknown }> {
  const message = ItemsMessage.parse(raw);
  const col = (await kernel.schema.get()).collections[message.collection];
  if (!col || message.collection.startsWith('directus_'))
    throw new RealtimeError(
      'items',
      'INVALID_COLLECTION',
      'The provided collection does not exists or is not accessible.',
      message.uid,
    );
  const service = new kernel.services.ItemsService(message.collection, { accountability });
  const query = getSanitizedQuery(message.query ?? {});
  const meta = async () => (query.meta ? { meta: await service.meta(query) } : {});

  switch (message.action) {
    case 'create': {
      if (Array.isArray(message.data)) {
        const keys = await service.createMany(message.data);
        return { data: await service.readMany(keys, query) };
      }
      return { data: await service.readOne(await service.createOne(message.data), query) };
    }
    case 'read': {
      if (message.id !== undefined) return { data: await service.readOne(message.id, query) };
      if (message.ids) return { data: await service.readMany(message.ids, query) };
      if (col.singleton) return { data: (await service.readByQuery({ ...query, limit: 1 }))[0] ?? null };
      return { data: await service.readByQuery(query), ...(await meta()) };
    }
    case 'update': {
      if (message.id !== undefined)
        return { data: await service.readOne(await service.updateOne(message.id, message.data), query) };
      let keys: PrimaryKey[];
      if (message.ids) keys = await service.updateMany(message.ids, message.data);
      else if (col.singleton) {
        const [row] = await service.readByQuery({ fields: [col.primary], limit: 1 });
        const key = row
          ? await service.updateOne((row as Item)[col.primary], message.data)
          : await service.createOne(message.data);
        return { data: await service.readOne(key, query) };
      } else if (message.query) keys = await service.updateByQuery(query, message.data);
      else throw errors.INVALID_PAYLOAD({ reason: "Either 'ids', 'id' or 'query' is required for an UPDATE request." });
      return { data: await service.readMany(keys, query), ...(await meta()) };
    }
    case 'delete': {
      if (message.id !== undefined) return { data: await service.deleteOne(message.id) };
      if (message.ids) return { data: await service.deleteMany(message.ids) };
      if (message.query) return { data: await service.deleteByQuery(query) };
      throw errors.INVALID_PAYLOAD({ reason: "Either 'ids', 'id' or 'query' is required for a DELETE request." });
    }
  }
}
