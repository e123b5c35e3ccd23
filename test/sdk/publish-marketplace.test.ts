import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMarketplaceServer, type MarketplaceServer } from '@annex/marketplace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, SDK_CLI, scaffoldAndBuild } from './helpers.js';

/** `annex-extension publish` against the real Annex marketplace, then read back over the registry API. */
describe('annex-extension publish → marketplace', () => {
  let registry: MarketplaceServer;
  let token: string;
  beforeAll(async () => {
    registry = await createMarketplaceServer({
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'annex-pub-')),
      port: 0,
    });
    await registry.listen();
    token = (await registry.ensureAccount({ username: 'author', password: 'pw-123456' })).token;
  });
  afterAll(() => registry?.close());

  it('publishes a built sandboxed endpoint, which the registry lists with its scopes and signs', async () => {
    const dir = await scaffoldAndBuild(
      { type: 'endpoint', language: 'ts', sandbox: true },
      fs.mkdtempSync(path.join(os.tmpdir(), 'annex-pub-src-')),
    );
    const name = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
    const res = await run(
      process.execPath,
      [SDK_CLI, 'publish', '--registry', registry.url, '--token', token, '--json'],
      dir,
    );
    expect(res.code, res.stderr).toBe(0);
    const list = await (await fetch(`${registry.url}/extensions?search=${encodeURIComponent(name)}`)).json();
    expect(list.data[0]).toMatchObject({ name, sandbox: true, type: 'endpoint' });
    const detail = await (await fetch(`${registry.url}/extensions/${list.data[0].id}`)).json();
    expect(detail.data.versions[0].signature).toBeTypeOf('string');
    const again = await run(process.execPath, [SDK_CLI, 'publish', '--registry', registry.url, '--token', token], dir);
    expect(again.code).toBe(1);
    const bad = await run(process.execPath, [SDK_CLI, 'publish', '--registry', registry.url, '--token', 'wrong'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr + bad.stdout).toContain('SDK_PUBLISH_UNAUTHORIZED');
  }, 120_000);
});
