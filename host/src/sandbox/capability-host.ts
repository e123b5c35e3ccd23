import type { CallAccountability, CapabilityHost } from '@annex/runtime';
import type { Knex } from 'knex';
import { systemAccountability } from '../auth/accountability.js';
import { errors } from '../errors.js';
import { assertEmittableEventName } from '../events/event-name.js';
import { inExtensionChain } from '../flows/chain.js';
import { isPostgres } from '../db/connection.js';
import type { Emitter } from '../events/emitter.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/namespace.js';
import type { CallTokens } from './call-tokens.js';

const MAX_STORAGE_VALUE = 1024 * 1024;
const MAX_STORAGE_KEYS = 1000;
const MAX_STORAGE_TOTAL = 16 * 1024 * 1024;

/**
 * The host side of `directus:api`. The runtime has already checked scope and argument shapes;
 * here items run as the caller's user (linked by CallTokens) or the extension's own identity,
 * and in both cases only within the granted `items` scope.
 */
/** The storage writes of each extension, one after another (per host process). */
const queues = new Map<string, Promise<unknown>>();
function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** One items method of a sandboxed call, on a service already bound to the acting accountability. */
function run(
  service: InstanceType<Services['ItemsService']>,
  method: string,
  rest: unknown[],
): Promise<unknown> | undefined {
  switch (method) {
    case 'readByQuery':
      return service.readByQuery((rest[0] as object) ?? {});
    case 'readOne':
      return service.readOne(rest[0] as string, (rest[1] as object) ?? {});
    case 'createOne':
      return service.createOne(rest[0] as Record<string, unknown>);
    case 'updateOne':
      return service.updateOne(rest[0] as string, rest[1] as Record<string, unknown>);
    case 'deleteOne':
      return service.deleteOne(rest[0] as string);
  }
  return undefined;
}

export function createCapabilityHost(deps: {
  knex: Knex;
  services: Services;
  emitter: Emitter;
  logger: Logger;
  tokens: CallTokens;
}): CapabilityHost {
  const { knex, services, emitter, logger, tokens } = deps;
  return {
    async items(ext, method, args, accountability: CallAccountability | null) {
      let acting = systemAccountability(`extension:${ext.id}`);
      if (accountability) {
        const resolved = tokens.resolve(accountability);
        if (!resolved) throw errors.FORBIDDEN();
        acting = resolved;
      }
      // The runtime checked the collection named in the call; the scope also bounds every collection the call reaches through relations.
      acting = { ...acting, scope: ext.granted.items ?? {} };
      const [collection, ...rest] = args as [string, ...unknown[]];
      const service = new services.ItemsService(collection, { accountability: acting });
      return inExtensionChain(ext.id, () => run(service, method, rest));
    },
    async storage(ext, method, args) {
      const key = String(args[0]);
      const where = { extension: ext.id, key };
      if (method === 'get') {
        const row = await knex('annex_extension_storage').where(where).first();
        return row ? JSON.parse(row.value) : undefined;
      }
      if (method === 'set') {
        const value = JSON.stringify(args[1] ?? null);
        const bytes = Buffer.byteLength(value);
        if (bytes > MAX_STORAGE_VALUE) throw errors.INVALID_PAYLOAD({ reason: 'storage values are limited to 1 MB.' });
        // A quota per extension, in bytes as stored; one set at a time per extension, so parallel sets cannot all pass the check.
        return serialized(ext.id, async () => {
          const size = isPostgres(knex) ? knex.raw('octet_length(value)') : knex.raw('length(cast(value as blob))');
          const [used] = await knex('annex_extension_storage')
            .where({ extension: ext.id })
            .whereNot({ key })
            .count({ n: '*' })
            .sum({ size });
          if (Number(used?.n ?? 0) >= MAX_STORAGE_KEYS)
            throw errors.INVALID_PAYLOAD({ reason: `storage holds at most ${MAX_STORAGE_KEYS} keys per extension.` });
          if (Number(used?.size ?? 0) + bytes > MAX_STORAGE_TOTAL)
            throw errors.INVALID_PAYLOAD({
              reason: `storage holds at most ${MAX_STORAGE_TOTAL / (1024 * 1024)} MB per extension.`,
            });
          await knex('annex_extension_storage')
            .insert({ ...where, value })
            .onConflict(['extension', 'key'])
            .merge();
          return undefined;
        });
      }
      return (await knex('annex_extension_storage').where(where).delete()) > 0;
    },
    async emit(ext, event, payload) {
      // An extension announces its own events; it may not pass for the host (item, auth or server events that flows and hooks trust),
      // and trusted wildcard listeners hear it only if they asked for emitted events.
      assertEmittableEventName(event);
      await emitter.emitAction(event, { payload, source: `extension:${ext.id}` }, undefined, { emitted: true });
    },
    log(ext, level, message) {
      logger.child({ extension: ext.id, version: ext.version, sandbox: true })[level](message);
    },
  };
}
