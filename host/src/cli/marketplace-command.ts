import fs from 'node:fs';
import { DIRECTUS_COMPAT_RANGE } from '@annex/protocol';
import { readConfig } from '../config.js';
import { errors } from '../errors.js';
import { createProgressBar } from './progress.js';
import { hostRequest, type Remote } from './remote.js';

export const MARKET_COMMANDS = new Set([
  'search',
  'info',
  'install',
  'update',
  'approve',
  'rollback',
  'uninstall',
  'export',
  'import',
]);

/** The commands that change the installed set (the others read the registry or the folder). */
const CHANGES = new Set(['install', 'update', 'rollback', 'uninstall', 'import']);

function splitSpec(spec: string): { name: string; version?: string } {
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name: spec };
}

function print(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

function outcomeLine(o: {
  extension: string;
  version: string;
  status: string;
  scopeDiff?: object;
  previous?: object;
}): string {
  const diff = o.scopeDiff && Object.keys(o.scopeDiff).length ? `  new scopes: ${JSON.stringify(o.scopeDiff)}` : '';
  // A staged update is approved; a first install is granted like any pending extension.
  const next =
    o.status === 'pending'
      ? `\n  waiting for a grant: annex extensions ${o.previous ? 'approve' : 'grant'} ${o.extension}`
      : '';
  return `${o.status === 'pending' ? '…' : '✓'} ${o.extension}@${o.version} ${o.status}${diff}${next}`;
}

/**
 * Marketplace commands. With --url/--token they go through the running host (which activates the
 * result at once); without, they run the installer on EXTENSIONS_PATH directly and the host loads
 * the result at its next start (grants then happen in settings or with `annex extensions grant`).
 */
export async function runMarketplaceCommand(
  sub: string,
  arg: string | undefined,
  flags: Record<string, string | boolean>,
  host: Remote | undefined,
): Promise<number> {
  const json = flags.json === true;
  const needsArg = !['search', 'export'].includes(sub);
  if (needsArg && !arg) {
    process.stderr.write(`annex extensions ${sub}: missing argument (see annex extensions --help)\n`);
    return 2;
  }
  const force = flags.force === true;
  if (host) {
    const spec = arg ? splitSpec(arg) : { name: '' };
    switch (sub) {
      case 'search': {
        const qs = new URLSearchParams();
        if (arg) qs.set('search', arg);
        if (typeof flags.type === 'string') qs.set('filter[type][_eq]', flags.type);
        const res = await hostRequest(host, 'GET', `/extensions/registry?${qs}`);
        print(
          res,
          json,
          () =>
            res.data
              .map(
                (e: any) =>
                  `${e.name.padEnd(40)} ${e.type.padEnd(10)} ${e.sandbox ? 'sandboxed' : 'trusted  '} ${e.description ?? ''}`,
              )
              .join('\n') || '(no results)',
        );
        return 0;
      }
      case 'info': {
        const res = await hostRequest(host, 'GET', `/extensions/registry/extension/${encodeURIComponent(spec.name)}`);
        print(
          res.data,
          json,
          () =>
            `${res.data.name}: ${res.data.description ?? ''}\n${res.data.versions.map((v: any) => `  ${v.version.padEnd(10)} host ${v.host_version}  ${v.publish_date}`).join('\n')}`,
        );
        return 0;
      }
      case 'install':
      case 'update': {
        const res = await hostRequest(host, 'POST', `/extensions/registry/${sub}`, {
          extension: spec.name,
          version: spec.version,
          force,
        });
        print(res.data, json, () => outcomeLine(res.data));
        return 0;
      }
      case 'approve':
      case 'rollback': {
        const res = await hostRequest(host, 'POST', `/extensions/registry/${sub}`, {
          extension: spec.name,
          version: spec.version,
        });
        print(res.data, json, () => outcomeLine(res.data));
        return 0;
      }
      case 'uninstall':
        await hostRequest(host, 'DELETE', `/extensions/registry/uninstall/${encodeURIComponent(spec.name)}`);
        print({ uninstalled: spec.name }, json, () => `✓ ${spec.name} uninstalled`);
        return 0;
      case 'export': {
        const res = await hostRequest(host, 'GET', '/extensions/registry/lock');
        const text = `${JSON.stringify(res.data, null, 2)}\n`;
        if (typeof flags.out === 'string') fs.writeFileSync(flags.out, text);
        else process.stdout.write(text);
        return 0;
      }
      case 'import': {
        const lock = JSON.parse(fs.readFileSync(arg!, 'utf8'));
        const res = await hostRequest(host, 'POST', '/extensions/registry/lock', {
          lock,
          prune: flags.prune === true,
          force,
        });
        print(res.data, json, () => `imported ${res.data.length} extension(s)`);
        return 0;
      }
    }
  }

  const config = readConfig();
  // On PostgreSQL a host's start brings its folder to the installed set recorded in the database
  // (docs/cluster.md): an install, update, rollback, uninstall or import made here alone would be undone.
  if (config.db.client === 'pg' && CHANGES.has(sub)) {
    const e = errors.HOST_SHARED_INSTALLS();
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return 2;
  }
  if (!config.marketplace.registry) {
    process.stderr.write(
      'error [MKT_REGISTRY_UNREACHABLE]: set MARKETPLACE_REGISTRY (or pass --url/--token of a running host)\n',
    );
    return 1;
  }
  // Loaded here, not with the file: every `annex extensions` command imports this one (for
  // MARKET_COMMANDS). The client and installer entries, not the package root: that one also
  // exports the registry server (koa, knex, its database layer), about 0.2 s more CPU to load.
  const { createRegistryClient } = await import('@annex/marketplace/client');
  const client = createRegistryClient({
    registry: config.marketplace.registry,
    token: config.marketplace.token,
    ...(config.marketplace.publicKey ? { publicKey: config.marketplace.publicKey } : {}),
  });
  const spec = arg ? splitSpec(arg) : { name: '' };
  switch (sub) {
    case 'search': {
      const res = await client.list({
        ...(arg ? { search: arg } : {}),
        ...(typeof flags.type === 'string' ? { type: flags.type as never } : {}),
        ...(config.marketplace.trust === 'sandbox' ? { sandbox: true } : {}),
      });
      print(
        res,
        json,
        () =>
          res.data
            .map(
              (e) =>
                `${e.name.padEnd(40)} ${e.type.padEnd(10)} ${e.sandbox ? 'sandboxed' : 'trusted  '} ${e.description ?? ''}`,
            )
            .join('\n') || '(no results)',
      );
      return 0;
    }
    case 'info': {
      const d = await client.describe(spec.name);
      print(
        d,
        json,
        () =>
          `${d.name}: ${d.description ?? ''}\n${d.versions.map((v) => `  ${v.version.padEnd(10)} host ${v.host_version}  ${v.publish_date}`).join('\n')}`,
      );
      return 0;
    }
    case 'approve':
      process.stderr.write('annex extensions approve needs a running host (--url/--token)\n');
      return 2;
  }
  // Searching and describing need only the client; the installer (tar, the state file) loads for the rest.
  const { createInstaller } = await import('@annex/marketplace/install');
  const bar = createProgressBar();
  const installer = createInstaller({
    extensionsDir: config.extensionsPath,
    client,
    trust: config.marketplace.trust,
    hostVersion: DIRECTUS_COMPAT_RANGE,
    onProgress: (p) => bar.update(p),
  });
  switch (sub) {
    case 'install':
    case 'update': {
      const r =
        sub === 'install'
          ? await installer.install(spec.name, spec.version, { force })
          : await installer.update(spec.name, spec.version, { force });
      print(
        r,
        json,
        () =>
          `✓ ${r.name}@${r.version} installed into ${r.folder}${Object.keys(r.scopeDiff).length ? `\n  requests: ${JSON.stringify(r.scopeDiff)} (grant in settings or: annex extensions grant ${r.name})` : ''}`,
      );
      return 0;
    }
    case 'rollback': {
      const r = await installer.rollback(spec.name, spec.version);
      print(r, json, () => `✓ ${r.name} rolled back to ${r.version}`);
      return 0;
    }
    case 'uninstall': {
      const r = await installer.uninstall(spec.name);
      print(r, json, () => `✓ ${r.name} uninstalled (${r.removed.length} version folder(s) removed)`);
      return 0;
    }
    case 'export': {
      const text = `${JSON.stringify(await installer.exportLock(), null, 2)}\n`;
      if (typeof flags.out === 'string') fs.writeFileSync(flags.out, text);
      else process.stdout.write(text);
      return 0;
    }
    case 'import': {
      const r = await installer.importLock(JSON.parse(fs.readFileSync(arg!, 'utf8')), {
        prune: flags.prune === true,
        force,
      });
      print(r, json, () => `imported ${r.length} extension(s)`);
      return 0;
    }
  }
  return 2;
}
