import type { Context } from 'koa';
import { EXTENSION_TYPES } from '@annex/protocol';
import { z } from 'zod';
import { MarketplaceErrors as E } from '../errors.js';
import type { Route } from './http.js';
import { intParam, readJson } from './http.js';
import type { RouteDeps } from './route-deps.js';
import { REGISTRY_API_VERSION, listItem, publicAccount, tarballPath, versionItem } from './serialize.js';
import type { VersionRow } from './packages.js';

const ListParams = z.object({
  search: z.string().max(200).optional(),
  type: z.enum(EXTENSION_TYPES).optional(),
  sandbox: z.enum(['true', 'false']).optional(),
  by: z.string().max(214).optional(),
  sort: z.enum(['popular', 'recent', 'downloads']).optional(),
});

/** The Directus registry API (`@directus/extensions-registry`), plus Annex's signed-metadata routes. */
export function registryRoutes(deps: RouteDeps): Route[] {
  const { accounts, packages } = deps;

  async function describeVersion(ctx: Context, v: VersionRow, name: string, tags: Record<string, string>) {
    const publisher = await accounts.get(v.publisher_id);
    const tagNames = Object.entries(tags)
      .filter(([, ver]) => ver === v.version)
      .map(([t]) => t);
    return versionItem(
      v,
      name,
      publisher,
      `${deps.baseUrl(ctx)}${tarballPath(name, v.version)}`,
      tagNames,
      deps.signer,
    );
  }

  async function list(ctx: Context) {
    const parsed = ListParams.safeParse(ctx.query);
    if (!parsed.success)
      throw E.MKT_INVALID_REQUEST({
        reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    const q = parsed.data;
    const { count, rows } = await packages.listExtensions({
      search: q.search || undefined,
      type: q.type,
      sandbox: q.sandbox === 'true',
      by: q.by || undefined,
      sort: q.sort,
      limit: intParam(ctx.query.limit, 20, 1, 100, 'limit'),
      offset: intParam(ctx.query.offset, 0, 0, 1_000_000, 'offset'),
    });
    const data = await Promise.all(
      rows.map(async (e) => {
        const latest = e.latest_version_id ? await packages.getVersion(e.latest_version_id) : undefined;
        return { ...listItem(e, await accounts.get(e.publisher_id), latest), recent_downloads: e.recent_downloads };
      }),
    );
    ctx.body = { meta: { filter_count: count }, data };
  }

  async function describe(ctx: Context, [id]: string[]) {
    const ext = await packages.getExtension(id);
    const [versions, tags, publisher, series] = await Promise.all([
      packages.listVersions(ext.id),
      packages.distTags(ext.id),
      accounts.get(ext.publisher_id),
      packages.downloadSeries(ext.id),
    ]);
    const latest = versions.find((v) => v.id === ext.latest_version_id);
    ctx.body = {
      data: {
        // Directus fields (list item fields included), then Annex extras
        ...listItem(ext, publisher, latest),
        downloads: series,
        readme: ext.readme,
        versions: await Promise.all(versions.map((v) => describeVersion(ctx, v, ext.name, tags))),
        publisher: publicAccount(publisher),
        dist_tags: tags,
      },
    };
  }

  return [
    {
      method: 'GET',
      pattern: /^\/version$/,
      handler: async (ctx) => void (ctx.body = { version: REGISTRY_API_VERSION }),
    },
    { method: 'GET', pattern: /^\/extensions$/, handler: list },
    { method: 'GET', pattern: /^\/extensions\/(.+)$/, handler: describe },
    {
      method: 'GET',
      pattern: /^\/accounts\/([^/]+)$/,
      handler: async (ctx, [id]) => void (ctx.body = { data: publicAccount(await accounts.get(id)) }),
    },
    {
      method: 'GET',
      pattern: /^\/download\/([^/]+)$/,
      handler: async (ctx, [versionId]) => {
        const version = await packages.getVersion(versionId);
        if (ctx.query.sandbox === 'true' && version.execution === 'unsandboxed') {
          throw E.MKT_SANDBOX_REQUIRED({ name: (await packages.getExtension(version.extension_id)).name });
        }
        await deps.sendTarball(ctx, version);
      },
    },
    {
      method: 'GET',
      pattern: /^\/-\/annex\/public-key$/,
      handler: async (ctx) =>
        void (ctx.body = { algorithm: 'ed25519', key_id: deps.signer.keyId, public_key: deps.signer.publicKeyPem }),
    },
    {
      method: 'GET',
      pattern: /^\/-\/annex\/versions\/([^/]+)$/,
      handler: async (ctx, [versionId]) => {
        const v = await packages.getVersion(versionId);
        const ext = await packages.getExtension(v.extension_id);
        ctx.body = { data: await describeVersion(ctx, v, ext.name, await packages.distTags(ext.id)) };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/-\/annex\/accounts\/([^/]+)\/verified$/,
      handler: async (ctx, [id]) => {
        await deps.requireAdmin(ctx);
        const body = (await readJson(ctx, 1024)) as { verified?: unknown };
        if (typeof body?.verified !== 'boolean')
          throw E.MKT_INVALID_REQUEST({ reason: 'body must be {"verified": true|false}' });
        ctx.body = { data: publicAccount(await accounts.setVerified(id, body.verified)) };
      },
    },
  ];
}
