import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMarketplaceServer, type MarketplaceServer } from '@annex/marketplace';
import { FIXTURES } from './host.js';

/**
 * A registry listening on a free port, with the packages of fixtures/marketplace published by a
 * verified `annex` account; its data in `dataDir` (a new temporary folder by default).
 */
export async function startFixtureRegistry(
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-test-market-')),
): Promise<MarketplaceServer> {
  const registry = await createMarketplaceServer({ dataDir, port: 0 });
  await registry.listen();
  await registry.seedFromDirectory(path.join(FIXTURES, 'marketplace'), { username: 'annex', verified: true });
  return registry;
}
