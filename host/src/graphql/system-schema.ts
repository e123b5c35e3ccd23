import {
  GraphQLBoolean,
  GraphQLID,
  GraphQLInt,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { ScopesSchema } from '@annex/protocol';
import { errors } from '../errors.js';
import { listExtensions } from '../extensions/describe.js';
import type { ExtensionManager } from '../extensions/manager.js';
import type { Knex } from 'knex';
import type { MarketplaceService } from '../marketplace/service.js';
import { GraphQLJSON } from './scalars.js';
import type { GraphQLContext } from './items-schema.js';
import type { ActivityEntry } from '../audit/activity.js';

/** Writes a change to an extension to the activity log (recordExtensionChange bound to the host). */
export type ExtensionChangeRecorder = (
  actor: Pick<ActivityEntry, 'user' | 'ip'>,
  action: string,
  item: string | null,
  details?: unknown,
) => Promise<void>;

function requireAdmin(ctx: GraphQLContext): void {
  if (!ctx.accountability.admin) throw errors.FORBIDDEN();
}

/** `/graphql/system`: server, the current user, collections, and (admins) extensions with Directus's names. */
export function buildSystemSchema(
  manager: ExtensionManager,
  knex: Knex,
  marketplace: () => MarketplaceService | undefined = () => undefined,
  record: ExtensionChangeRecorder = async () => undefined,
): GraphQLSchema {
  /** Mutations go to the activity log like their REST twins. */
  const audit = (ctx: GraphQLContext, action: string, item: string | null, details?: unknown) =>
    record({ user: ctx.accountability.user ?? null, ip: ctx.accountability.ip ?? null }, action, item, details);
  /** A marketplace mutation, logged with what it returned. */
  const change = async <T extends { extension?: string } | undefined>(
    ctx: GraphQLContext,
    action: string,
    item: string,
    run: Promise<T>,
  ): Promise<T> => {
    const result = await run;
    await audit(ctx, action, result?.extension ?? item, result);
    return result;
  };
  const market = (ctx: GraphQLContext) => {
    requireAdmin(ctx);
    const m = marketplace();
    if (!m)
      throw errors.SERVICE_UNAVAILABLE({
        service: 'marketplace',
        reason: 'No registry is configured (MARKETPLACE_REGISTRY).',
      });
    return m;
  };
  const marketArgs = {
    extension: { type: new GraphQLNonNull(GraphQLString) },
    version: { type: GraphQLString },
    force: { type: GraphQLBoolean },
  };
  const meta = new GraphQLObjectType({
    name: 'directus_extensions_meta',
    fields: {
      enabled: { type: GraphQLBoolean },
      folder: { type: GraphQLString },
      source: { type: GraphQLString },
      bundle: { type: GraphQLString },
    },
  });
  const schemaType = new GraphQLObjectType({
    name: 'directus_extensions_schema',
    fields: {
      type: { type: GraphQLString },
      name: { type: GraphQLString },
      version: { type: GraphQLString },
      local: { type: GraphQLBoolean },
      host: { type: GraphQLString },
    },
  });
  const extension = new GraphQLObjectType({
    name: 'directus_extensions',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLID) },
      bundle: { type: GraphQLString },
      name: { type: new GraphQLNonNull(GraphQLString), resolve: (e) => e.annex?.name ?? e.meta.folder },
      schema: { type: schemaType },
      meta: { type: meta },
      state: { type: GraphQLString, resolve: (e) => e.annex?.state ?? null },
      last_error: { type: GraphQLJSON, resolve: (e) => e.annex?.last_error ?? null },
      requested_scopes: { type: GraphQLJSON, resolve: (e) => e.annex?.requested_scopes ?? null },
      granted_scopes: { type: GraphQLJSON, resolve: (e) => e.annex?.granted_scopes ?? null },
      roles: { type: GraphQLJSON, resolve: (e) => e.annex?.roles ?? null },
      quarantine: { type: GraphQLJSON, resolve: (e) => e.annex?.quarantine ?? null },
      metrics: { type: GraphQLJSON, resolve: (e) => e.annex?.metrics ?? null },
    },
  });
  const metaInput = new GraphQLInputObjectType({
    name: 'update_directus_extensions_meta_input',
    fields: { enabled: { type: GraphQLBoolean }, roles: { type: GraphQLJSON } },
  });
  const updateInput = new GraphQLInputObjectType({
    name: 'update_directus_extensions_input',
    fields: { meta: { type: metaInput } },
  });
  const find = async (id: string) => {
    const all = await listExtensions(manager, knex, true);
    const found = all.find((e) => e.id === id || e.annex?.name === id);
    if (!found) throw errors.HOST_EXTENSION_NOT_FOUND({ id });
    return found;
  };
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        server_ping: { type: GraphQLString, resolve: () => 'pong' },
        users_me: {
          type: GraphQLJSON,
          resolve: (_s, _a, ctx: GraphQLContext) =>
            ctx.accountability.user
              ? new ctx.services.UsersService({ accountability: ctx.accountability }).readOne(ctx.accountability.user, {
                  fields: ['id', 'email', 'first_name', 'last_name', 'role'],
                })
              : null,
        },
        collections: {
          type: GraphQLJSON,
          resolve: (_s, _a, ctx: GraphQLContext) =>
            new ctx.services.CollectionsService({ accountability: ctx.accountability }).readByQuery(),
        },
        extensions_registry: {
          type: GraphQLJSON,
          args: {
            search: { type: GraphQLString },
            type: { type: GraphQLString },
            limit: { type: GraphQLInt },
            offset: { type: GraphQLInt },
          },
          resolve: (_s, args, ctx: GraphQLContext) =>
            market(ctx).list(Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined && v !== null))),
        },
        extensions_registry_extension: {
          type: GraphQLJSON,
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: (_s, args, ctx: GraphQLContext) => market(ctx).describe(args.id),
        },
        extensions_registry_installed: {
          type: GraphQLJSON,
          resolve: (_s, _a, ctx: GraphQLContext) => market(ctx).installed(),
        },
        extensions: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(extension))),
          resolve: (_s, _a, ctx: GraphQLContext) => {
            requireAdmin(ctx);
            return listExtensions(manager, knex, true);
          },
        },
      },
    }),
    mutation: new GraphQLObjectType({
      name: 'Mutation',
      fields: {
        update_extensions_item: {
          type: extension,
          args: { id: { type: new GraphQLNonNull(GraphQLID) }, data: { type: new GraphQLNonNull(updateInput) } },
          resolve: async (_s, args, ctx: GraphQLContext) => {
            requireAdmin(ctx);
            const found = await find(args.id);
            if (typeof args.data?.meta?.enabled === 'boolean') {
              await manager.setEnabled(found.id, args.data.meta.enabled);
              await audit(ctx, 'update', String(found.annex?.name ?? found.id), { enabled: args.data.meta.enabled });
            }
            if (args.data?.meta && 'roles' in args.data.meta) {
              const roles = await manager.setRoles(found.id, args.data.meta.roles);
              await audit(ctx, 'update', String(found.annex?.name ?? found.id), { roles });
            }
            return find(found.id);
          },
        },
        grant_extension_scopes: {
          type: extension,
          args: { id: { type: new GraphQLNonNull(GraphQLID) }, scopes: { type: GraphQLJSON } },
          resolve: async (_s, args, ctx: GraphQLContext) => {
            requireAdmin(ctx);
            const found = await find(args.id);
            let scopes;
            if (args.scopes !== undefined && args.scopes !== null) {
              const parsed = ScopesSchema.safeParse(args.scopes);
              if (!parsed.success)
                throw errors.INVALID_PAYLOAD({
                  reason: `"scopes" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
                });
              scopes = parsed.data;
            }
            await manager.grant(found.id, scopes);
            const after = await find(found.id);
            await audit(ctx, 'grant', String(found.annex?.name ?? found.id), {
              scopes: after.annex?.granted_scopes ?? null,
            });
            return after;
          },
        },
        install_extension: {
          type: GraphQLJSON,
          args: marketArgs,
          resolve: (_s, a, ctx: GraphQLContext) =>
            change(
              ctx,
              'install',
              a.extension,
              market(ctx).install(a.extension, a.version ?? undefined, { force: a.force === true }),
            ),
        },
        update_extension: {
          type: GraphQLJSON,
          args: marketArgs,
          resolve: (_s, a, ctx: GraphQLContext) =>
            change(
              ctx,
              'update',
              a.extension,
              market(ctx).update(a.extension, a.version ?? undefined, { force: a.force === true }),
            ),
        },
        approve_extension_update: {
          type: GraphQLJSON,
          args: { extension: marketArgs.extension },
          resolve: (_s, a, ctx: GraphQLContext) =>
            change(ctx, 'approve', a.extension, market(ctx).approve(a.extension)),
        },
        rollback_extension: {
          type: GraphQLJSON,
          args: { extension: marketArgs.extension, version: marketArgs.version },
          resolve: (_s, a, ctx: GraphQLContext) =>
            change(ctx, 'rollback', a.extension, market(ctx).rollback(a.extension, a.version ?? undefined)),
        },
        uninstall_extension: {
          type: GraphQLJSON,
          args: { extension: marketArgs.extension },
          resolve: (_s, a, ctx: GraphQLContext) =>
            change(ctx, 'delete', a.extension, market(ctx).uninstall(a.extension)),
        },
        revoke_extension_scopes: {
          type: extension,
          args: { id: { type: new GraphQLNonNull(GraphQLID) } },
          resolve: async (_s, args, ctx: GraphQLContext) => {
            requireAdmin(ctx);
            const found = await find(args.id);
            await manager.revoke(found.id);
            await audit(ctx, 'revoke', String(found.annex?.name ?? found.id));
            return find(found.id);
          },
        },
      },
    }),
  });
}
