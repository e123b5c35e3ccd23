#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toErrorRecord } from '@annex/protocol';
import { publishFolder } from './client/publish.js';
import { createCliLogger } from './internal/cli-logger.js';
import { createMarketplaceServer, type MarketplaceServerOptions } from './server/create-server.js';

const HELP = `annex-marketplace — the Annex extension registry
(npm registry protocol for npm publish/view/install, and the Directus registry API)

Usage:
  annex-marketplace start [options]             serve the registry until SIGINT/SIGTERM
  annex-marketplace verify <user> [--unverify]  mark a publisher verified (or not)
  annex-marketplace token <user>                create the account if missing, print a new bearer token
  annex-marketplace seed <dir> [--seed-user U]  publish every extension folder in <dir> (no server needed)
  annex-marketplace publish <folder> --registry URL --token TOKEN
                                                pack a folder (npm layout) and publish it over HTTP
  annex-marketplace --help | --version

Storage (start, verify, token, seed):
  --data DIR                   data folder: SQLite file, tarballs, signing key
                               (env MARKETPLACE_DATA; default ./data/marketplace)
  --db-connection-string URL   use PostgreSQL instead of SQLite (env MARKETPLACE_DB_CONNECTION_STRING)
  --db-schema NAME             PostgreSQL schema (created if missing)

start:
  --port N                     listen port (env MARKETPLACE_PORT; default 8066; 0 = any free port)
  --host HOST                  listen address (env MARKETPLACE_HOST; default 127.0.0.1)
  --public-url URL             origin written into tarball URLs (default: the request's Host)
  --admin-token TOKEN          bearer token for admin routes (env MARKETPLACE_ADMIN_TOKEN)
  --seed DIR                   publish the extension folders in DIR before serving
  --seed-user NAME             publisher of seeded extensions (default "annex", verified)
  --no-signup                  refuse new accounts from \`npm adduser\`

Output:
  --json                       one JSON document on stdout instead of text
  NO_COLOR=1                   plain log lines (also when stderr is not a terminal)

Log in from npm:   npm adduser --auth-type=legacy --registry http://127.0.0.1:8066/
Directus clients:  MARKETPLACE_REGISTRY=http://127.0.0.1:8066

Exit codes:
  0  success
  1  the operation failed (the coded error is printed, e.g. MKT_ACCOUNT_NOT_FOUND)
  2  usage error (unknown command or option, missing argument)
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        json: { type: 'boolean' },
        data: { type: 'string' },
        'db-connection-string': { type: 'string' },
        'db-schema': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'public-url': { type: 'string' },
        'admin-token': { type: 'string' },
        seed: { type: 'string' },
        'seed-user': { type: 'string' },
        'no-signup': { type: 'boolean' },
        unverify: { type: 'boolean' },
        registry: { type: 'string' },
        token: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

type Values = ReturnType<typeof parse>['values'];

function storageOptions(v: Values, env: NodeJS.ProcessEnv): Pick<MarketplaceServerOptions, 'dataDir' | 'db'> {
  const connectionString = v['db-connection-string'] ?? env.MARKETPLACE_DB_CONNECTION_STRING;
  return {
    dataDir: resolve(v.data ?? env.MARKETPLACE_DATA ?? 'data/marketplace'),
    db: connectionString ? { connectionString, schema: v['db-schema'] } : undefined,
  };
}

function port(v: Values, env: NodeJS.ProcessEnv): number {
  const raw = v.port ?? env.MARKETPLACE_PORT ?? '8066';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be an integer between 0 and 65535 (got "${raw}")`);
  return n;
}

function need(positionals: string[], index: number, what: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

/** Runs one command; resolves with the exit code (the server command resolves once it stopped). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const color = !env.NO_COLOR && process.stderr.isTTY === true;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  let json = argv.includes('--json');
  try {
    const { values: v, positionals } = parse(argv);
    json = v.json === true;
    const print = (data: unknown, text: string) => out(json ? JSON.stringify(data) : text);
    if (v.version) {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      out(pkg.version);
      return 0;
    }
    if (v.help) {
      out(HELP);
      return 0;
    }
    if (positionals.length === 0) {
      process.stderr.write(HELP);
      return 2;
    }
    const [command] = positionals;
    const logger = createCliLogger({ color, quiet: json && command !== 'start' });

    if (command === 'publish') {
      const folder = resolve(need(positionals, 1, '<folder>'));
      const registry = v.registry ?? env.MARKETPLACE_REGISTRY;
      const token = v.token ?? env.MARKETPLACE_TOKEN;
      if (!registry || !token) throw new UsageError('publish needs --registry and --token');
      const r = await publishFolder(registry, folder, { token });
      print(r, `${r.status === 'exists' ? 'already published' : 'published'} ${r.name}@${r.version}`);
      return 0;
    }
    if (!['start', 'verify', 'token', 'seed'].includes(command)) throw new UsageError(`unknown command "${command}"`);

    const server = await createMarketplaceServer({
      ...storageOptions(v, env),
      port: command === 'start' ? port(v, env) : 0,
      host: v.host ?? env.MARKETPLACE_HOST,
      publicUrl: v['public-url'],
      adminToken: v['admin-token'] ?? env.MARKETPLACE_ADMIN_TOKEN,
      allowSignup: !v['no-signup'],
      logger,
    });
    try {
      if (command === 'verify') {
        const user = need(positionals, 1, '<user>');
        await server.setVerified(user, !v.unverify);
        print({ username: user, verified: !v.unverify }, `${user} is ${v.unverify ? 'no longer ' : ''}verified`);
        return 0;
      }
      if (command === 'token') {
        const { account, token } = await server.ensureAccount({ username: need(positionals, 1, '<user>') });
        print({ username: account.username, token }, token);
        return 0;
      }
      const seedDir = command === 'seed' ? need(positionals, 1, '<dir>') : v.seed;
      if (seedDir) {
        const results = await server.seedFromDirectory(resolve(seedDir), {
          username: v['seed-user'] ?? 'annex',
          verified: true,
        });
        const failed = results.filter((r) => r.status === 'failed');
        if (command === 'seed') {
          print(
            results,
            results
              .map(
                (r) =>
                  `${r.status.padEnd(9)} ${r.name}@${r.version}${r.error ? `  ${r.error.code}: ${r.error.message}` : ''}`,
              )
              .join('\n'),
          );
          return failed.length ? 1 : 0;
        }
        logger.info(
          { published: results.filter((r) => r.status === 'published').length, failed: failed.length },
          'seeded',
        );
      }
      const url = await server.listen();
      // the server itself logs "marketplace listening"; machines get the URL on stdout
      if (json) out(JSON.stringify({ url, keyId: server.keyId }));
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      logger.info({}, 'stopping');
      return 0;
    } finally {
      await server.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`annex-marketplace: ${error.message}\nRun "annex-marketplace --help" for usage.\n`);
      return 2;
    }
    const record = toErrorRecord(error);
    if (json) out(JSON.stringify({ error: record }));
    else
      process.stderr.write(
        `annex-marketplace: ${color ? '\u001b[31m' : ''}${record.code}${color ? '\u001b[0m' : ''} ${record.message}\n`,
      );
    return 1;
  }
}

// run when executed as the bin, not when imported by a test
// (argv[1] may be the node_modules/.bin symlink, so compare real paths)
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
