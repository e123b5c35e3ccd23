#!/usr/bin/env node
import path from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { parseArgs } from './args.js';
import { remoteFrom } from './remote.js';
import { BUILTIN_COMMANDS, emitCliInit } from './cli-program.js';
// `annex extensions` (with the database, knex and the marketplace client) loads only for that command:
// `annex start` takes its host from the bundle (issue 20: boot).
const loadExtensionsCommand = () => import('./extensions-command.js');
// A marketplace command (`annex extensions search|install|…`) opens no database: it loads without knex.
const loadMarketplaceCommand = () => import('./marketplace-command.js');
const loadSchemaCommand = () => import('./schema-command.js');
import { runExtensionCommand } from './extension-commands.js';
import { loadHost } from '../boot/bundled-host.js';
import { prestartSandboxWorker, releasePrestartedSandboxWorker } from '../boot/prestart-sandbox.js';
import { readConfig } from '../config.js';

const HELP = `annex — the Annex host

Usage:
  annex start [--port N] [--host H] [--samples]   Start the host (migrates, bootstraps, loads extensions)
  annex bootstrap                                 Create/upgrade the database and the first admin, then exit
  annex extensions <command> ...                  Manage extensions (see: annex extensions --help)
  annex schema <snapshot|apply> ...               Snapshot the schema, or apply one (see: annex schema --help)
  annex <command> ...                             A command a trusted hook added in cli.before/cli.after
  annex --help | --version

Options:
  --samples   When EXTENSIONS_PATH is not set, load the sample extensions in fixtures/extensions
              and seed a local marketplace (what \`npm start\` does).

Configuration is read from the environment (PORT, HOST, PUBLIC_URL, DB_CLIENT, DB_FILENAME,
DB_CONNECTION_STRING, SECRET, ADMIN_EMAIL, ADMIN_PASSWORD, EXTENSIONS_PATH, ...); see docs/configuration.md.
Exit codes: 0 ok, 1 failure, 2 usage error.
`;

/** `--samples`: a local marketplace seeded with fixtures/marketplace, unless MARKETPLACE_REGISTRY is set. */
async function startLocalMarketplace(): Promise<{ url: string; close(): Promise<void> } | undefined> {
  if (process.env.MARKETPLACE_REGISTRY) return undefined;
  const { createMarketplaceServer } = await import('@annex/marketplace');
  const dataDir = path.join(readConfig().dataDir, 'marketplace');
  const fs = await import('node:fs');
  fs.mkdirSync(dataDir, { recursive: true });
  const port = Number(process.env.MARKETPLACE_PORT ?? 8066);
  let server = await createMarketplaceServer({ dataDir, port });
  try {
    await server.listen();
  } catch {
    await server.close();
    server = await createMarketplaceServer({ dataDir, port: 0 });
    await server.listen();
  }
  await server.seedFromDirectory(path.join(REPO_ROOT, 'fixtures', 'marketplace'), {
    username: 'annex',
    verified: true,
  });
  process.env.MARKETPLACE_REGISTRY = server.url;
  return server;
}

async function start(flags: Record<string, string | boolean>): Promise<void> {
  let marketplace: { url: string; close(): Promise<void> } | undefined;
  if (flags.samples) {
    if (!process.env.EXTENSIONS_PATH) process.env.EXTENSIONS_PATH = path.join(REPO_ROOT, 'fixtures', 'extensions');
    marketplace = await startLocalMarketplace();
  }
  // The first sandbox worker starts while the host loads (src/boot/prestart-sandbox.ts).
  await prestartSandboxWorker(readConfig());
  // The bundled host with its code cache when the bundle is current (src/boot/bundled-host.ts).
  const loaded = await loadHost();
  const { createHost } = loaded.module;
  // Directus emits cli.before/cli.after (with its commander program) before `start` builds the app.
  const host = await createHost({ beforeApp: (emitter) => emitCliInit(emitter) });
  // A port already in use ends the command (exit code 1) instead of leaving a host that never listens.
  const url = await host
    .listen(flags.port ? Number(flags.port) : undefined, typeof flags.host === 'string' ? flags.host : undefined)
    .catch(async (error: unknown) => {
      await releasePrestartedSandboxWorker();
      await host.close();
      await marketplace?.close();
      throw error;
    });
  // Stopping closes the host (its database, workers, sockets): handled before anything is printed,
  // so a signal sent on seeing the address never meets Node's default (an exit without the close).
  const out = process.stdout;
  const stop = async (signal: string) => {
    out.write(`\n${signal}: shutting down…\n`);
    await host.close();
    await marketplace?.close();
    process.exitCode = 0;
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // The load is over: a prestarted worker no sandboxed extension took is not kept.
  await releasePrestartedSandboxWorker();
  // Once listening (not on the first request's path): what boot compiled is kept for the next boot.
  setTimeout(() => loaded.persistCodeCache(), 250).unref();
  out.write(`\nAnnex is running at ${url}\n`);
  out.write(`  database:   ${host.config.db.client === 'pg' ? 'PostgreSQL' : host.config.db.filename}\n`);
  out.write(`  extensions: ${host.config.extensionsPath}\n`);
  const records = host.kernel.extensions.records();
  const failed = records.filter((r) => r.state === 'failed');
  out.write(
    `  loaded:     ${records.filter((r) => r.state === 'active').length} active, ${failed.length} failed, ${records.filter((r) => r.state === 'pending').length} waiting for a grant\n`,
  );
  for (const f of failed)
    out.write(`    ✗ ${f.desc?.id ?? f.found.folder}: [${f.lastError?.code}] ${f.lastError?.message}\n`);
  if (host.config.marketplace.registry)
    out.write(
      `  marketplace: ${host.config.marketplace.registry}${marketplace ? ' (local, seeded with fixtures/marketplace)' : ''} — trust: ${host.config.marketplace.trust}\n`,
    );
  if (host.bootstrap.created) {
    out.write(`\nFirst start: an administrator was created.\n  email:    ${host.bootstrap.email}\n`);
    if (host.bootstrap.generatedPassword)
      out.write(`  password: ${host.bootstrap.generatedPassword}   (shown once; set ADMIN_PASSWORD to choose it)\n`);
  }
  out.write(`\nLog in: ${url}/admin  or  POST ${url}/auth/login {"email","password"}\n`);
  if (host.config.secretGenerated) out.write('Note: SECRET is not set, so sessions end when the host restarts.\n');
}

async function bootstrap(): Promise<void> {
  const { createDatabase } = await import('../db/connection.js');
  const { migrate } = await import('../db/migrations.js');
  const { bootstrapAdmin } = await import('../auth/bootstrap.js');
  const { createPasswords } = await import('../auth/passwords.js');
  const config = readConfig();
  const knex = createDatabase(config.db);
  try {
    await migrate(knex);
    const result = await bootstrapAdmin(
      knex,
      createPasswords(config.hashCost),
      config.adminEmail,
      config.adminPassword,
    );
    if (result.created) {
      process.stdout.write(`Database ready; administrator ${result.email} created.\n`);
      if (result.generatedPassword) process.stdout.write(`password: ${result.generatedPassword}\n`);
    } else process.stdout.write('Database ready; it already has users.\n');
  } finally {
    await knex.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(argv);
  const [command, ...rest] = positionals;
  if (flags.version || flags.v) {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  const builtin = !command || BUILTIN_COMMANDS.some((c) => c.name === command);
  // `annex <extension command> --help` is commander's help for that command (below).
  if (!command || ((flags.help || flags.h) && builtin)) {
    if (command === 'extensions') process.stdout.write((await loadExtensionsCommand()).EXTENSIONS_HELP);
    else if (command === 'schema') process.stdout.write((await loadSchemaCommand()).SCHEMA_HELP);
    else process.stdout.write(HELP);
    return command || flags.help || flags.h ? 0 : 2;
  }
  switch (command) {
    case 'start':
      await start(flags);
      return 0;
    case 'bootstrap':
      await bootstrap();
      return 0;
    case 'extensions': {
      const [sub, arg] = rest;
      const market = await loadMarketplaceCommand();
      if (sub && market.MARKET_COMMANDS.has(sub))
        return market.runMarketplaceCommand(sub, arg, flags, remoteFrom(flags));
      return (await loadExtensionsCommand()).runExtensionsCommand(rest, flags);
    }
    case 'schema':
      return (await loadSchemaCommand()).runSchemaCommand(rest, flags);
    default: {
      // Not ours: load the extensions (as Directus's CLI always does) and see whether one added it.
      const code = await runExtensionCommand(argv.slice(argv.indexOf(command)));
      if (code !== undefined) return code;
      if (flags.help || flags.h) {
        process.stdout.write(HELP);
        return 0;
      }
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error) => {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`error${e.code ? ` [${e.code}]` : ''}: ${e.message ?? String(error)}\n`);
    process.exitCode = 1;
    // A command that failed half-way (a boot whose extensions failed to load) may leave what it
    // opened (the database pool, a sandbox worker) holding the event loop: it ends anyway.
    setTimeout(() => process.exit(1), 1000).unref();
  },
);
