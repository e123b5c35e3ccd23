import { createReadStream } from 'node:fs';
import type { Context } from 'koa';
import { MarketplaceErrors as E } from '../errors.js';
import type { Route } from './http.js';
import { readJson } from './http.js';
import { publishFromNpmBody } from './publish.js';
import { packument, tarballPath } from './serialize.js';
import type { RouteDeps } from './route-deps.js';

/** A package name in a path: `name`, `@scope/name` or `@scope%2fname` (npm encodes the slash). */
const PKG = String.raw`(@[^/%]+(?:%2[fF]|/)[^/%]+|[^@/][^/]*)`;

/** The npm registry protocol subset the npm CLI (v11) uses to log in, publish, view and install. */
export function npmRoutes(deps: RouteDeps): Route[] {
  const { accounts, packages } = deps;

  async function login(ctx: Context, [name]: string[]) {
    const body = (await readJson(ctx, 64 * 1024)) as { name?: unknown; password?: unknown; email?: unknown };
    if (typeof body?.name !== 'string' || typeof body.password !== 'string' || body.password === '') {
      throw E.MKT_INVALID_REQUEST({ reason: 'name and password are required' });
    }
    if (body.name.toLowerCase() !== name.toLowerCase())
      throw E.MKT_INVALID_REQUEST({ reason: 'the body names another user than the URL' });
    let account = await accounts.find(name);
    if (!account) {
      if (!deps.allowSignup) throw E.MKT_FORBIDDEN({ reason: 'sign-up is disabled on this registry' });
      account = await accounts.create({
        username: name,
        password: body.password,
        email: typeof body.email === 'string' ? body.email : undefined,
      });
      deps.logger.info({ username: account.username }, 'account created');
    } else if (!(await accounts.checkPassword(name, body.password))) {
      throw E.MKT_BAD_CREDENTIALS();
    }
    ctx.status = 201;
    ctx.body = {
      ok: true,
      id: `org.couchdb.user:${account.username}`,
      rev: '_we_dont_use_revs_any_more',
      token: await accounts.createToken(account.id),
    };
  }

  async function servePackument(ctx: Context, [name]: string[]) {
    const ext = await packages.getExtension(name);
    const [versions, tags, publisher] = await Promise.all([
      packages.listVersions(ext.id),
      packages.distTags(ext.id),
      accounts.get(ext.publisher_id),
    ]);
    ctx.set('cache-control', 'no-cache');
    ctx.body = packument(ext, versions, tags, publisher, deps.baseUrl(ctx));
  }

  async function serveTarball(ctx: Context, [name, file]: string[]) {
    const ext = await packages.getExtension(name);
    const version = (await packages.listVersions(ext.id)).find(
      (v) => `${tarballPath(name, v.version).split('/').pop()}` === file,
    );
    if (!version) throw E.MKT_VERSION_NOT_FOUND({ version: file });
    await deps.sendTarball(ctx, version);
  }

  return [
    { method: 'GET', pattern: /^\/-\/ping$/, handler: async (ctx) => void (ctx.body = {}) },
    {
      method: 'GET',
      pattern: /^\/-\/whoami$/,
      handler: async (ctx) => {
        const account = await deps.requireAccount(ctx);
        ctx.body = { username: account.username };
      },
    },
    { method: 'PUT', pattern: /^\/-\/user\/org\.couchdb\.user:([^/]+)$/, handler: login },
    {
      method: 'GET',
      pattern: /^\/-\/user\/org\.couchdb\.user:([^/]+)$/,
      handler: async (ctx, [name]) => {
        const account = await deps.requireAccount(ctx);
        if (account.username !== name.toLowerCase())
          throw E.MKT_FORBIDDEN({ reason: 'you can only read your own user document' });
        ctx.body = {
          _id: `org.couchdb.user:${account.username}`,
          name: account.username,
          email: account.email ?? undefined,
          type: 'user',
          roles: [],
        };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/-\/user\/token\/(.+)$/,
      handler: async (ctx, [token]) => {
        await deps.requireAccount(ctx);
        await accounts.revokeToken(token);
        ctx.body = { ok: true };
      },
    },
    { method: 'GET', pattern: new RegExp(`^/${PKG}/-/([^/]+\\.tgz)$`), handler: serveTarball },
    { method: 'GET', pattern: new RegExp(`^/${PKG}$`), handler: servePackument },
    {
      method: 'PUT',
      pattern: new RegExp(`^/${PKG}$`),
      handler: async (ctx, [name]) => {
        const account = await deps.requireAccount(ctx);
        const body = await readJson(ctx, deps.maxPublishBytes);
        const version = await publishFromNpmBody(packages, {
          publisherId: account.id,
          urlName: name,
          body,
          tarLimits: deps.tarLimits,
        });
        deps.logger.info({ name, version: version.version, publisher: account.username }, 'published');
        ctx.status = 201;
        ctx.body = { ok: true, id: name, success: true };
      },
    },
  ];
}
