import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import Koa, { type Context } from 'koa';
import type { Knex } from 'knex';
import { MarketplaceErrors as E } from '../errors.js';
import { createSigner, generateSigningKeyPem, loadPrivateKey } from '../internal/signing.js';
import type { TarLimits } from '../internal/tar-policy.js';
import { createAccounts, type AccountRow } from './accounts.js';
import { createDatabase, migrate, type DatabaseOption } from './db.js';
import { createRouter, errorMiddleware } from './http.js';
import { silentLogger, type Logger } from './logger.js';
import { createPackages, type VersionRow } from './packages.js';
import type { RouteDeps } from './route-deps.js';
import { npmRoutes } from './routes-npm.js';
import { registryRoutes } from './routes-registry.js';
import { createServerSeeding, type SeedResult } from './seeding.js';

export interface MarketplaceServerOptions {
  /** Holds the SQLite database, the tarballs and the signing key. */
  dataDir: string;
  /** Default: SQLite at `<dataDir>/marketplace.sqlite`. */
  db?: DatabaseOption;
  /** Default 8066; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Origin written into tarball URLs; default: the origin each request came to. */
  publicUrl?: string;
  /** ed25519 private key (PEM or KeyObject); default: `<dataDir>/signing-key.pem`, generated once. */
  signingKey?: string | KeyObject;
  /** Bearer token allowed to call admin routes (e.g. `PUT /-/annex/accounts/:id/verified`). */
  adminToken?: string;
  /** Whether `npm adduser` may create accounts. Default true. */
  allowSignup?: boolean;
  /** Largest accepted publish body (base64 tarball included). Default 64 MiB. */
  maxPublishBytes?: number;
  tarLimits?: Partial<TarLimits>;
  logger?: Logger;
}

export interface MarketplaceServer {
  /** Base URL (final once `listen()` resolved). */
  readonly url: string;
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly db: Knex;
  listen(): Promise<string>;
  /** Stops accepting requests, closes connections and the database. Idempotent. */
  close(): Promise<void>;
  /** The request handler, to mount the registry in another HTTP server. */
  callback(): ReturnType<Koa['callback']>;
  /** Existing or new account, plus a fresh bearer token for it. */
  ensureAccount(input: {
    username: string;
    password?: string;
    verified?: boolean;
  }): Promise<{ account: AccountRow; token: string }>;
  setVerified(username: string, verified: boolean): Promise<void>;
  /** Packs an extension folder (npm-pack layout) and publishes it as `username`, in process. */
  publishFolder(folder: string, options: { username: string; tag?: string }): Promise<SeedResult>;
  /** Publishes every extension folder directly under `dir`; versions already there are skipped. */
  seedFromDirectory(dir: string, options: { username: string; verified?: boolean }): Promise<SeedResult[]>;
  /** Low-level storage, for tools and tests; writes through it skip publish validation. */
  readonly store: { accounts: ReturnType<typeof createAccounts>; packages: ReturnType<typeof createPackages> };
}

async function loadOrCreateKey(dataDir: string): Promise<KeyObject> {
  const file = join(dataDir, 'signing-key.pem');
  try {
    return loadPrivateKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await writeFile(file, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // another process created it first: use theirs
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return loadPrivateKey(await readFile(file, 'utf8'));
}

/** Creates the registry (migrating its database); call `listen()` to serve it. */
export async function createMarketplaceServer(options: MarketplaceServerOptions): Promise<MarketplaceServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logger = options.logger ?? silentLogger;
  const signer = createSigner(options.signingKey ? loadPrivateKey(options.signingKey) : await loadOrCreateKey(dataDir));
  const db = createDatabase(dataDir, options.db);
  try {
    await migrate(db, options.db && 'schema' in options.db ? options.db.schema : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const accounts = createAccounts(db);
  const packages = createPackages(db, { tarballDir: join(dataDir, 'tarballs'), signer });
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 8066;
  let closed = false;
  let server: Server | undefined;
  const url = () =>
    options.publicUrl?.replace(/\/$/, '') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const adminToken = options.adminToken ? Buffer.from(options.adminToken) : undefined;
  const bearer = (ctx: Context) => /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1]?.trim();

  async function authenticate(ctx: Context): Promise<AccountRow | undefined> {
    const header = ctx.get('authorization');
    const token = bearer(ctx);
    if (token) return accounts.accountForToken(token);
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
    if (basic) {
      const [user, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      return accounts.checkPassword(user, rest.join(':'));
    }
    return undefined;
  }

  const deps: RouteDeps = {
    accounts,
    packages,
    signer,
    logger,
    allowSignup: options.allowSignup ?? true,
    maxPublishBytes: options.maxPublishBytes ?? 64 * 1024 * 1024,
    tarLimits: options.tarLimits ?? {},
    // without a configured public URL, tarball links follow the Host the client used
    baseUrl: (ctx) =>
      options.publicUrl?.replace(/\/$/, '') ?? (ctx.get('host') ? `${ctx.protocol}://${ctx.get('host')}` : url()),
    async requireAccount(ctx) {
      const account = await authenticate(ctx);
      if (!account) throw E.MKT_UNAUTHORIZED();
      return account;
    },
    async requireAdmin(ctx) {
      const token = Buffer.from(bearer(ctx) ?? '');
      if (!adminToken || token.length !== adminToken.length || !timingSafeEqual(token, adminToken))
        throw E.MKT_FORBIDDEN({ reason: 'admin token required' });
    },
    async sendTarball(ctx, version: VersionRow) {
      if (ctx.method !== 'HEAD') await packages.countDownload(version);
      ctx.set('content-type', 'application/octet-stream');
      ctx.set('x-annex-integrity', version.integrity);
      const file = packages.tarballPath(version.id);
      // the file's real size: if it was altered on disk, clients must see the bytes and fail the hash
      ctx.length = (await stat(file)).size;
      ctx.body = createReadStream(file);
    },
  };

  const app = new Koa();
  app.proxy = false;
  app.silent = true;
  app.use(async (ctx, next) => {
    if (closed) throw E.MKT_CLOSED();
    await next();
  });
  app.use(errorMiddleware(logger));
  app.use(createRouter([...registryRoutes(deps), ...npmRoutes(deps)]));
  const seeding = createServerSeeding({ accounts, packages, tarLimits: deps.tarLimits, logger });

  return {
    get url() {
      return url();
    },
    keyId: signer.keyId,
    publicKeyPem: signer.publicKeyPem,
    db,
    store: { accounts, packages },
    callback: () => app.callback(),
    async listen() {
      if (closed) throw E.MKT_CLOSED();
      if (server) return url();
      server = createServer(app.callback());
      await new Promise<void>((ok, fail) => {
        server!.once('error', fail);
        server!.listen(port, host, () => {
          server!.off('error', fail);
          ok();
        });
      });
      port = (server.address() as AddressInfo).port;
      logger.info({ url: url(), keyId: signer.keyId }, 'marketplace listening');
      return url();
    },
    async close() {
      if (closed) return;
      closed = true;
      const s = server;
      try {
        if (s) {
          const done = new Promise<void>((ok) => s.close(() => ok()));
          s.closeIdleConnections();
          setTimeout(() => s.closeAllConnections(), 2000).unref();
          await done;
        }
      } finally {
        await db.destroy();
      }
    },
    async ensureAccount(input) {
      const account = await accounts.ensure(input);
      return { account, token: await accounts.createToken(account.id) };
    },
    async setVerified(username, verified) {
      await accounts.setVerified(username, verified);
    },
    publishFolder: seeding.publishFolder,
    seedFromDirectory: seeding.seedFromDirectory,
  };
}
