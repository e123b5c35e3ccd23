import path from 'node:path';
import type { MarketplaceServer } from '@annex/marketplace';
import { afterAll, describe, expect, it } from 'vitest';
import { startDirectusRegistry, type DirectusRegistry } from '../helpers/directus-registry.js';
import { FIXTURES, startHost, type TestHost } from '../helpers/host.js';
import { startFixtureRegistry } from '../helpers/registry.js';

/** `signed` (Annex's signature layer) is shown alike by REST and GraphQL: per registry version and per install. */
const gql = (t: TestHost, query: string) => t.api('POST', '/graphql/system', { query });

async function signedViews(t: TestHost, name: string, id: string) {
  const rest = (await t.api('GET', `/extensions/registry/extension/${id}`)).body.data.versions.map(
    (v: any) => v.signed,
  );
  const graph = (
    await gql(t, `{ extensions_registry_extension(id: "${id}") }`)
  ).body.data.extensions_registry_extension.versions.map((v: any) => v.signed);
  const installedRest = (await t.api('GET', '/extensions/registry/installed')).body.data.find(
    (e: any) => e.name === name,
  )?.signed;
  const installedGraph = (
    await gql(t, '{ extensions_registry_installed }')
  ).body.data.extensions_registry_installed.find((e: any) => e.name === name)?.signed;
  return { rest, graph, installedRest, installedGraph };
}

describe('signed in REST and GraphQL', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('an Annex registry: every version and the install are signed', async () => {
    const registry: MarketplaceServer = await startFixtureRegistry();
    closers.push(() => registry.close());
    const t = await startHost({ env: { MARKETPLACE_REGISTRY: registry.url } });
    closers.push(() => t.close());
    const id = (await t.api('GET', '/extensions/registry?search=greeter')).body.data[0].id;
    const installed = await gql(
      t,
      'mutation { install_extension(extension: "annex-market-greeter", version: "1.0.0") }',
    );
    expect(installed.body.data.install_extension.signed).toBe(true);
    expect(await signedViews(t, 'annex-market-greeter', id)).toEqual({
      rest: [true, true],
      graph: [true, true],
      installedRest: true,
      installedGraph: true,
    });
  });

  it('a Directus-only registry: nothing is signed (npm integrity only)', async () => {
    const reg: DirectusRegistry = await startDirectusRegistry([
      { dir: path.join(FIXTURES, 'directus', 'sandboxed-stamp-hook') },
    ]);
    closers.push(() => reg.close());
    const t = await startHost({ env: { MARKETPLACE_REGISTRY: reg.url } });
    closers.push(() => t.close());
    const name = 'directus-sandboxed-stamp-hook';
    const installed = await gql(t, `mutation { install_extension(extension: "${reg.extensionId(name)}") }`);
    expect(installed.body.data.install_extension.signed).toBe(false);
    expect(await signedViews(t, name, reg.extensionId(name))).toEqual({
      rest: [false],
      graph: [false],
      installedRest: false,
      installedGraph: false,
    });
  });

  it('the installed list is for admins only, like its REST twin', async () => {
    const t = await startHost();
    closers.push(() => t.close());
    const anonymous = await t.api('POST', '/graphql/system', { query: '{ extensions_registry_installed }' }, null);
    expect(anonymous.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
