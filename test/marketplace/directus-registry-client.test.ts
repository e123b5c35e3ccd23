import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, describe as describeExtension, download, list } from '@directus/extensions-registry';
import { publishFolder } from '../../marketplace/src/client/publish.js';
import {
  startRegistry,
  tempDir,
  writeExtension,
  type TestRegistry,
} from '../../marketplace/src/__tests__/helpers/fixtures.js';

/**
 * Directus's own registry client (`@directus/extensions-registry`, unmodified, from npm) against the
 * marketplace: it validates every response with its zod schemas, so a passing call means the shape is
 * exactly what a Directus instance expects.
 */
let reg: TestRegistry;
const options = () => ({ registry: reg.url });

beforeAll(async () => {
  reg = await startRegistry();
  const work = await tempDir();
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: 'dx-weather', version: '1.0.0', sandbox: true, scopes: { log: {} } }),
    { token: reg.token },
  );
  await publishFolder(
    reg.url,
    await writeExtension(work, { name: 'dx-weather', version: '1.2.0', sandbox: true, scopes: { log: {} } }),
    { token: reg.token },
  );
  await publishFolder(reg.url, await writeExtension(work, { name: 'dx-colors', type: 'interface' }), {
    token: reg.token,
  });
  const { token: bob } = await reg.server.ensureAccount({ username: 'bob' });
  await publishFolder(reg.url, await writeExtension(work, { name: 'dx-raw', type: 'endpoint' }), { token: bob });
  await publishFolder(
    reg.url,
    await writeExtension(work, {
      name: 'dx-bundle',
      type: 'bundle',
      options: {
        path: { app: 'dist/app.js', api: 'dist/api.js' },
        entries: [
          { type: 'interface', name: 'pick' },
          { type: 'hook', name: 'audit' },
        ],
      },
      files: { 'dist/app.js': 'export default {}', 'dist/api.js': 'export default {}' },
    }),
    { token: reg.token },
  );
});
afterAll(() => reg?.close());

describe('@directus/extensions-registry against the marketplace', () => {
  it('list() validates and honours search, type, sandbox, by, sort, limit, offset', async () => {
    const all = await list({}, options());
    expect(all.meta.filter_count).toBe(4);
    expect(all.data.map((e) => e.name).sort()).toEqual(['dx-bundle', 'dx-colors', 'dx-raw', 'dx-weather']);
    expect((await list({ type: 'interface' }, options())).data.map((e) => e.name)).toEqual(['dx-colors']);
    // sandbox: app-only and sandboxed API code; bundles with API entries are never sandboxed
    expect((await list({ sandbox: true }, options())).data.map((e) => e.name).sort()).toEqual([
      'dx-colors',
      'dx-weather',
    ]);
    expect((await list({ search: 'weath' }, options())).data[0]).toMatchObject({
      name: 'dx-weather',
      host_version: '^10.10.0 || ^11.0.0',
      sandbox: true,
      type: 'hook',
    });
    const bob = await account('bob', options());
    expect((await list({ by: bob.data.id }, options())).data.map((e) => e.name)).toEqual(['dx-raw']);
    const page = await list({ limit: 2, offset: 2, sort: 'recent' }, options());
    expect(page.data).toHaveLength(2);
    expect(page.meta.filter_count).toBe(4);
  });

  it('describe() validates and lists every version with publisher, bundled entries, sizes', async () => {
    const id = (await list({ search: 'dx-weather' }, options())).data[0].id;
    const { data } = await describeExtension(id, options());
    expect(data.name).toBe('dx-weather');
    expect(data.versions.map((v) => v.version)).toEqual(['1.2.0', '1.0.0']);
    expect(data.versions[0]).toMatchObject({
      type: 'hook',
      verified: false,
      publisher: { username: 'alice' },
      bundled: [],
    });
    expect(data.versions[0].file_count).toBe(3);
    const bundleId = (await list({ search: 'dx-bundle' }, options())).data[0].id;
    expect((await describeExtension(bundleId, options())).data.versions[0].bundled).toEqual([
      { name: 'pick', type: 'interface' },
      { name: 'audit', type: 'hook' },
    ]);
  });

  it('account() validates', async () => {
    const alice = await account('alice', options());
    expect(alice.data).toMatchObject({ username: 'alice', verified: false, github_username: null });
    expect((await account(alice.data.id, options())).data.username).toBe('alice');
  });

  it('download() streams the signed tarball; with requireSandbox it is refused for unsandboxed code', async () => {
    const weather = (await describeExtension('dx-weather', options())).data.versions[0];
    const stream = await download(weather.id, true, options());
    const bytes = Buffer.from(await new Response(stream as ReadableStream).arrayBuffer());
    const expected = (await (await fetch(`${reg.url}/extensions/dx-weather`)).json()) as {
      data: { versions: { integrity: string }[] };
    };
    expect(`sha512-${createHash('sha512').update(bytes).digest('base64')}`).toBe(expected.data.versions[0].integrity);

    const raw = (await describeExtension('dx-raw', options())).data.versions[0];
    await expect(download(raw.id, true, options())).rejects.toMatchObject({ response: { status: 403 } });
    expect((await download(raw.id, false, options())) instanceof ReadableStream).toBe(true);
  });
});
