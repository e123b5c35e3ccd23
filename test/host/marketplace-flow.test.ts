import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { startFixtureRegistry } from '../helpers/registry.js';

/** Publish v1 and v2 with different scopes; install v1, grant, update (pending keeps v1), grant, rollback, uninstall. */
describe('marketplace installs through the host', () => {
  let registry: MarketplaceServer;
  let t: TestHost;
  const registryFiles = () =>
    fs.existsSync(path.join(t.extensionsPath, '.registry'))
      ? fs
          .readdirSync(path.join(t.extensionsPath, '.registry'))
          .filter((f) => !f.startsWith('.'))
          .sort()
      : [];

  beforeAll(async () => {
    registry = await startFixtureRegistry();
    t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
  });
  afterAll(async () => {
    await t?.close();
    await registry?.close();
  });

  it('browses the registry in Directus shapes, sandboxed only under MARKETPLACE_TRUST=sandbox', async () => {
    const list = await t.api('GET', '/extensions/registry?search=greeter');
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: any) => e.name)).toEqual(['annex-market-greeter']);
    expect(list.body.meta.filter_count).toBe(1);
    const all = (await t.api('GET', '/extensions/registry')).body.data.map((e: any) => e.name);
    expect(all).not.toContain('annex-market-banner');
    const id = list.body.data[0].id;
    const detail = await t.api('GET', `/extensions/registry/extension/${id}`);
    expect(detail.body.data.versions.map((v: any) => v.version).sort()).toEqual(['1.0.0', '2.0.0']);
    expect((await t.api('GET', '/extensions/registry/extension/annex-market-greeter')).body.data.id).toBe(id);
    const account = await t.api('GET', `/extensions/registry/account/${detail.body.data.versions[0].publisher.id}`);
    expect(account.body.data.username).toBe('annex');
    expect((await t.api('GET', '/extensions/registry?sort=nonsense')).body.errors[0].extensions.code).toBe(
      'INVALID_QUERY',
    );
  });

  it('install v1 → pending until granted → serves v1', async () => {
    const installed = await t.api('POST', '/extensions/registry/install', {
      extension: 'annex-market-greeter',
      version: '1.0.0',
    });
    expect(installed.body.data).toMatchObject({
      extension: 'annex-market-greeter',
      version: '1.0.0',
      status: 'pending',
      requestedScopes: { log: {} },
    });
    expect((await t.api('GET', '/greeter')).status).toBe(404);
    expect((await t.api('GET', '/extensions/annex-market-greeter/status')).body.data.state).toBe('pending');
    await t.api('POST', '/extensions/annex-market-greeter/grant', {});
    expect((await t.api('GET', '/greeter')).body).toEqual({ greeting: 'hello', version: '1.0.0' });
  });

  it('update to v2 shows the scope diff and keeps v1 serving until the admin approves', async () => {
    const updated = await t.api('POST', '/extensions/registry/update', { extension: 'annex-market-greeter' });
    expect(updated.body.data).toMatchObject({
      version: '2.0.0',
      status: 'pending',
      scopeDiff: { storage: {} },
      previous: { version: '1.0.0' },
    });
    expect((await t.api('GET', '/greeter')).body.version).toBe('1.0.0');
    const approved = await t.api('POST', '/extensions/registry/approve', { extension: 'annex-market-greeter' });
    expect(approved.body.data.status).toBe('active');
    expect((await t.api('GET', '/greeter')).body).toEqual({ greeting: 'hello again', version: '2.0.0', count: 1 });
    const status = (await t.api('GET', '/extensions/annex-market-greeter/status')).body.data;
    expect(status.granted_scopes).toEqual({ log: {}, storage: {} });
    const again = await t.api('POST', '/extensions/registry/approve', { extension: 'annex-market-greeter' });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({
      message: 'No update of "annex-market-greeter" is waiting for a grant.',
      extensions: { code: 'HOST_NOTHING_PENDING' },
    });
    expect(
      (await t.api('POST', '/extensions/registry/approve', { extension: 'no-such-extension' })).body.errors[0]
        .extensions.code,
    ).toBe('HOST_EXTENSION_NOT_FOUND');
  });

  it('exports a lock of the installed set', async () => {
    const lock = (await t.api('GET', '/extensions/registry/lock')).body.data;
    expect(JSON.stringify(lock)).toContain('annex-market-greeter');
    expect(JSON.stringify(lock)).toContain('2.0.0');
  });

  it('rolls back to v1 without a download, then uninstalls files and rows', async () => {
    // v2 quarantined (as another host could have recorded it): another version starts without it.
    const quarantine = {
      at: new Date().toISOString(),
      host: 'elsewhere:1',
      unit: 'annex-market-greeter',
      error: { code: 'RT_TIMEOUT', message: 'x' },
    };
    await t.host
      .knex('directus_extensions')
      .update({ quarantine: JSON.stringify(quarantine) })
      .where({ name: 'annex-market-greeter' });
    await (t.host as any).kernel.extensions.refresh();
    expect((await t.api('GET', '/extensions/annex-market-greeter/status')).body.data.state).toBe('quarantined');
    expect((await t.api('GET', '/greeter')).status).toBe(404);
    const rolled = await t.api('POST', '/extensions/registry/rollback', { extension: 'annex-market-greeter' });
    expect(rolled.body.data.version).toBe('1.0.0');
    expect((await t.api('GET', '/greeter')).body.version).toBe('1.0.0');
    expect(registryFiles().length).toBeGreaterThanOrEqual(2);
    const removed = await t.api('DELETE', '/extensions/registry/uninstall/annex-market-greeter');
    expect(removed.status).toBe(204);
    expect((await t.api('GET', '/greeter')).status).toBe(404);
    expect(registryFiles().filter((f) => f !== 'annex-state.json')).toEqual([]);
    expect(await t.host.knex('directus_extensions').where({ source: 'registry' })).toEqual([]);
  });

  it('wrote every step to the activity log, with the versions', async () => {
    const rows = (await t.api('GET', '/activity?filter[item][_eq]=annex-market-greeter&sort=id&limit=-1')).body.data;
    expect(rows.map((r: any) => r.action)).toEqual(['install', 'grant', 'update', 'approve', 'rollback', 'delete']);
    expect(rows.find((r: any) => r.action === 'approve').details).toMatchObject({ version: '2.0.0', status: 'active' });
    expect(rows.find((r: any) => r.action === 'rollback').details).toMatchObject({ version: '1.0.0' });
    expect(rows.every((r: any) => r.user && r.collection === 'directus_extensions')).toBe(true);
  });

  it('offers the same over GraphQL on /graphql/system', async () => {
    const gql = (query: string) => t.api('POST', '/graphql/system', { query });
    const list = await gql('{ extensions_registry(search: "greeter") }');
    expect(list.body.data.extensions_registry.data[0].name).toBe('annex-market-greeter');
    const installed = await gql('mutation { install_extension(extension: "annex-market-greeter", version: "1.0.0") }');
    expect(installed.body.data.install_extension).toMatchObject({ version: '1.0.0', status: 'pending' });
    const removed = await gql('mutation { uninstall_extension(extension: "annex-market-greeter") }');
    expect(removed.body.data.uninstall_extension.extension).toBe('annex-market-greeter');
    const denied = await t.api('POST', '/graphql/system', { query: '{ extensions_registry }' }, null);
    expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses what trust or host compatibility forbid, leaving nothing behind', async () => {
    const before = registryFiles();
    const banner = await t.api('POST', '/extensions/registry/install', { extension: 'annex-market-banner' });
    expect(banner.body.errors[0].extensions.code).toMatch(/^MKT_(TRUST_DENIED|SANDBOX_REQUIRED)$/);
    const future = await t.api('POST', '/extensions/registry/install', { extension: 'annex-market-future' });
    expect(future.body.errors[0].extensions.code).toBe('MKT_INCOMPATIBLE_HOST');
    expect(registryFiles()).toEqual(before);
    const nope = await t.api('POST', '/extensions/registry/install', { extension: 'does-not-exist' });
    expect(nope.body.errors[0].extensions.code).toBe('MKT_EXTENSION_NOT_FOUND');
    const user = await t.api('POST', '/extensions/registry/install', { extension: 'annex-market-greeter' }, null);
    expect(user.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.api('POST', '/extensions/registry/install', {})).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
  });

  it('MARKETPLACE_PUBLIC_KEY pins the signing key from the start: another key is refused, the right one (inline or a file) installs', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const wrong = await startHost({
      env: { MARKETPLACE_REGISTRY: registry.url, MARKETPLACE_PUBLIC_KEY: other.replace(/\n/g, '\\n') },
    });
    try {
      const refused = await wrong.api('POST', '/extensions/registry/install', {
        extension: 'annex-market-greeter',
        version: '1.0.0',
      });
      expect(refused.body.errors[0].extensions.code).toBe('MKT_BAD_SIGNATURE');
      expect(
        fs.existsSync(path.join(wrong.extensionsPath, '.registry'))
          ? fs.readdirSync(path.join(wrong.extensionsPath, '.registry')).filter((f) => !f.startsWith('.'))
          : [],
      ).toEqual([]);
    } finally {
      await wrong.close();
    }
    const keyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'annex-key-')), 'registry.pem');
    fs.writeFileSync(keyFile, registry.publicKeyPem);
    const right = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url, MARKETPLACE_PUBLIC_KEY: keyFile } });
    try {
      const installed = await right.api('POST', '/extensions/registry/install', {
        extension: 'annex-market-greeter',
        version: '1.0.0',
      });
      expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    } finally {
      await right.close();
    }
    await expect(
      startHost({ env: { MARKETPLACE_REGISTRY: registry.url, MARKETPLACE_PUBLIC_KEY: '/nowhere/key.pem' } }),
    ).rejects.toThrow(/MARKETPLACE_PUBLIC_KEY: cannot read/);
  });
});
