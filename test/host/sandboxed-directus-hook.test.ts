import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMarketplaceServer, type MarketplaceServer } from '@annex/marketplace';
import { afterAll, describe, expect, it } from 'vitest';
import { createCollection, FIXTURES, startHost, type TestHost } from '../helpers/host.js';
import { eventually } from '../helpers/write-extension.js';

/**
 * A sandboxed hook written exactly as for Directus (`requestedScopes: {}`): `filter('items.create')`
 * returning a stamped copy. Listening to events is the `events` scope, read from what the hook registers.
 */
const FIXTURE = path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook');
const status = async (t: TestHost) =>
  (await t.api('GET', '/extensions/directus-sandboxed-stamp-hook/status')).body.data;

describe('a Directus sandboxed hook', () => {
  let t: TestHost | undefined;
  let registry: MarketplaceServer | undefined;
  afterAll(async () => {
    await t?.close();
    await registry?.close();
  });

  it('placed by the operator (EXTENSIONS_SANDBOX_GRANT=local): granted its events at load, stamps created items', async () => {
    t = await startHost({ extensions: ['directus/sandboxed-stamp-hook'] });
    await createCollection(t, 'notes', { title: 'string', stamp: 'string' });
    expect(await status(t)).toMatchObject({ state: 'active', granted_scopes: { events: ['items.create'] } });
    const created = await t.api('POST', '/items/notes', { title: 'a' });
    expect(created.body.data).toMatchObject({ title: 'a', stamp: 'x:notes' });
    await t.close();
    t = undefined;
  });

  it('under EXTENSIONS_SANDBOX_GRANT=none: pending with the event names it registers, stamps once granted', async () => {
    t = await startHost({ extensions: ['directus/sandboxed-stamp-hook'], env: { EXTENSIONS_SANDBOX_GRANT: 'none' } });
    await createCollection(t, 'notes', { title: 'string', stamp: 'string' });
    expect(await status(t)).toMatchObject({
      state: 'pending',
      requested_scopes: { events: ['items.create'] },
      granted_scopes: null,
    });
    expect((await t.api('POST', '/items/notes', { title: 'a' })).body.data.stamp).toBeNull();
    expect((await t.api('POST', '/extensions/directus-sandboxed-stamp-hook/grant', {})).status).toBeLessThan(300);
    expect(await status(t)).toMatchObject({ state: 'active', granted_scopes: { events: ['items.create'] } });
    expect((await t.api('POST', '/items/notes', { title: 'b' })).body.data.stamp).toBe('x:notes');
    await t.close();
    t = undefined;
  });

  it('installed from the marketplace: pending until the admin grants the events it registers, then stamps', async () => {
    const seed = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-stamp-seed-'));
    fs.cpSync(FIXTURE, path.join(seed, 'directus-sandboxed-stamp-hook'), { recursive: true });
    registry = await createMarketplaceServer({
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'annex-stamp-market-')),
      port: 0,
    });
    await registry.listen();
    await registry.seedFromDirectory(seed, { username: 'directus-dev', verified: false });
    t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
    await createCollection(t, 'notes', { title: 'string', stamp: 'string' });
    const installed = await t.api('POST', '/extensions/registry/install', {
      extension: 'directus-sandboxed-stamp-hook',
      version: '1.0.0',
    });
    expect(installed.status).toBe(200);
    const pending = await eventually(
      () => status(t!),
      (s) => s?.state === 'pending',
    );
    expect(pending.requested_scopes).toEqual({ events: ['items.create'] });
    expect((await t.api('POST', '/items/notes', { title: 'a' })).body.data.stamp).toBeNull();
    await t.api('POST', '/extensions/directus-sandboxed-stamp-hook/grant', {});
    expect((await status(t)).state).toBe('active');
    expect((await t.api('POST', '/items/notes', { title: 'b' })).body.data.stamp).toBe('x:notes');
  });
});
