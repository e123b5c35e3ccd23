import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
import { eventually, writeEndpoint, writeHook } from '../helpers/write-extension.js';

let t: TestHost;
const text = async (p: string) => (await t.api('GET', p)).body;

beforeAll(async () => {
  t = await startHost({ env: { EXTENSIONS_AUTO_RELOAD: 'true', EXTENSIONS_AUTO_RELOAD_DEBOUNCE: '30' } });
  await createCollection(t, 'posts', { title: 'string' });
});
afterAll(() => t?.close());

describe('hot reload', () => {
  it('adds a new extension folder, reloads an edited endpoint, survives a bad edit, recovers', async () => {
    writeEndpoint(t.extensionsPath, 'hr-endpoint', 'v1');
    await eventually(
      () => text('/hr-endpoint'),
      (b) => b === 'v1',
    );
    writeEndpoint(t.extensionsPath, 'hr-endpoint', 'v2');
    await eventually(
      () => text('/hr-endpoint'),
      (b) => b === 'v2',
    );
    writeEndpoint(t.extensionsPath, 'hr-endpoint', '', { raw: 'export default (router) => { router.get("/", ;' });
    const status = await eventually(
      () => t.api('GET', '/extensions/hr-endpoint/status').then((r) => r.body.data),
      (d) => d.last_error !== null,
    );
    expect(status.last_error.code).toBe('HOST_ENTRY_LOAD_FAILED');
    expect(status.state).toBe('active');
    expect(await text('/hr-endpoint')).toBe('v2');
    writeEndpoint(t.extensionsPath, 'hr-endpoint', 'v3');
    await eventually(
      () => text('/hr-endpoint'),
      (b) => b === 'v3',
    );
    expect((await t.api('GET', '/extensions/hr-endpoint/status')).body.data.last_error).toBeNull();
  });

  it('keeps the last good version when the manifest breaks, then recovers', async () => {
    const dir = writeEndpoint(t.extensionsPath, 'hr-manifest', 'ok');
    await eventually(
      () => text('/hr-manifest'),
      (b) => b === 'ok',
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ ...pkg, 'directus:extension': { ...pkg['directus:extension'], host: undefined } }),
    );
    const status = await eventually(
      () => t.api('GET', '/extensions/hr-manifest/status').then((r) => r.body.data),
      (d) => d?.last_error !== null,
    );
    expect(status.last_error.code).toBe('HOST_MANIFEST_INVALID');
    expect(await text('/hr-manifest')).toBe('ok');
    writeEndpoint(t.extensionsPath, 'hr-manifest', 'ok2');
    await eventually(
      () => text('/hr-manifest'),
      (b) => b === 'ok2',
    );
  });

  it('reloads a hook and a sandboxed endpoint the same way', async () => {
    writeHook(t.extensionsPath, 'hr-hook', '-a');
    await eventually(
      () => t.api('POST', '/items/posts', { title: 'x' }).then((r) => r.body.data?.title),
      (title) => title === 'x-a',
    );
    writeHook(t.extensionsPath, 'hr-hook', '', 'export default ({ filter }) => { filter("items.create", (p) => ; };');
    await eventually(
      () => t.api('GET', '/extensions/hr-hook/status').then((r) => r.body.data.last_error),
      (e) => e !== null,
    );
    expect((await t.api('POST', '/items/posts', { title: 'y' })).body.data.title).toBe('y-a');
    writeHook(t.extensionsPath, 'hr-hook', '-b');
    await eventually(
      () => t.api('POST', '/items/posts', { title: 'z' }).then((r) => r.body.data?.title),
      (title) => title === 'z-b',
    );

    writeEndpoint(t.extensionsPath, 'hr-sandboxed', 's1', { sandbox: true });
    await eventually(
      () => text('/hr-sandboxed'),
      (b) => b === 's1',
    );
    writeEndpoint(t.extensionsPath, 'hr-sandboxed', '', {
      sandbox: true,
      raw: 'export default (router) => { router.get("/", ;',
    });
    await eventually(
      () => t.api('GET', '/extensions/hr-sandboxed/status').then((r) => r.body.data.last_error),
      (e) => e !== null,
    );
    expect(await text('/hr-sandboxed')).toBe('s1');
    writeEndpoint(t.extensionsPath, 'hr-sandboxed', 's2', { sandbox: true });
    await eventually(
      () => text('/hr-sandboxed'),
      (b) => b === 's2',
    );
  });

  it('reloads each of 20 extensions rebuilt at once exactly once, touching no other', async () => {
    for (let i = 0; i < 20; i++) writeEndpoint(t.extensionsPath, `hr-batch-${i}`, `b${i}-1`);
    // Every one of them loaded (on a busy machine the creation can take more than one rescan: one
    // still missing when the batch below is written would be loaded by a rescan, not reloaded).
    for (let i = 0; i < 20; i++)
      await eventually(
        () => text(`/hr-batch-${i}`),
        (b) => b === `b${i}-1`,
      );
    await new Promise((r) => setTimeout(r, 400)); // let the creation's own events settle
    const m = t.host.kernel.extensions;
    const before = new Map(m.records().map((r) => [r.desc?.id ?? r.key, r.activatedAt]));
    const reloadsBefore = t.host.watcher!.stats().reloads;
    // A batch build: every extension written twice in quick succession (each one's two writes back to
    // back, as a bundler writes a package's files: on a busy machine, 20 other extensions' writes between
    // them can outlast the 30 ms quiet period, and then two reloads are right).
    for (let i = 0; i < 20; i++)
      for (let round = 2; round <= 3; round++) writeEndpoint(t.extensionsPath, `hr-batch-${i}`, `b${i}-${round}`);
    for (let i = 0; i < 20; i++)
      await eventually(
        () => text(`/hr-batch-${i}`),
        (b) => b === `b${i}-3`,
      );
    await new Promise((r) => setTimeout(r, 300));
    expect(t.host.watcher!.stats().reloads - reloadsBefore).toBe(20);
    for (const r of m.records()) {
      const id = r.desc?.id ?? r.key;
      if (id.startsWith('hr-batch-')) expect(r.activatedAt, id).not.toBe(before.get(id));
      else expect(r.activatedAt, id).toBe(before.get(id));
    }
  });

  it('does not reload for an event about files the last reload already read', async () => {
    const dir = writeEndpoint(t.extensionsPath, 'hr-late', 'l1');
    await eventually(
      () => text('/hr-late'),
      (b) => b === 'l1',
    );
    writeEndpoint(t.extensionsPath, 'hr-late', 'l2');
    // Whole-second times, which a second utimes can set again exactly.
    const entry = path.join(dir, 'dist', 'index.js');
    const second = Math.floor(Date.now() / 1000) - 10;
    fs.utimesSync(entry, second, second);
    await eventually(
      () => text('/hr-late'),
      (b) => b === 'l2',
    );
    const w = t.host.watcher!;
    await new Promise((r) => setTimeout(r, 200)); // the write's own events settle
    const rec = () => t.host.kernel.extensions.records().find((r) => r.key === 'local:hr-late')!;
    const before = { ...w.stats(), activatedAt: rec().activatedAt };
    // A late event with nothing new behind it: the same times set again is a file event, with the
    // same inode, size and modification time (as a delayed event of an earlier write would be).
    fs.utimesSync(entry, second, second);
    await eventually(
      async () => w.stats(),
      (s) => s.unchanged > before.unchanged,
      10_000,
    );
    expect(w.stats().reloads).toBe(before.reloads);
    expect(rec().activatedAt).toBe(before.activatedAt);
    // A real change still reloads.
    writeEndpoint(t.extensionsPath, 'hr-late', 'l3');
    await eventually(
      () => text('/hr-late'),
      (b) => b === 'l3',
    );
    expect(w.stats().reloads).toBe(before.reloads + 1);
  });

  it('deactivates a removed folder and handles a rename', async () => {
    writeEndpoint(t.extensionsPath, 'hr-gone', 'here');
    await eventually(
      () => text('/hr-gone'),
      (b) => b === 'here',
    );
    fs.renameSync(path.join(t.extensionsPath, 'hr-gone'), path.join(t.extensionsPath, 'hr-renamed'));
    await eventually(
      () => t.host.knex('directus_extensions').where({ folder: 'hr-renamed' }).first(),
      (r) => !!r,
    );
    expect(await text('/hr-gone')).toBe('here');
    expect(await t.host.knex('directus_extensions').where({ folder: 'hr-gone' }).first()).toBeUndefined();
    fs.rmSync(path.join(t.extensionsPath, 'hr-renamed'), { recursive: true });
    await eventually(
      () => t.api('GET', '/hr-gone').then((r) => r.status),
      (s) => s === 404,
    );
  });
});

describe('hot reload by polling', () => {
  it('works on file systems without events (EXTENSIONS_AUTO_RELOAD_POLLING)', async () => {
    const p = await startHost({ env: { EXTENSIONS_AUTO_RELOAD: 'true', EXTENSIONS_AUTO_RELOAD_POLLING: 'true' } });
    try {
      writeEndpoint(p.extensionsPath, 'hr-poll', 'p1');
      await eventually(
        () => p.api('GET', '/hr-poll').then((r) => r.body),
        (b) => b === 'p1',
      );
      writeEndpoint(p.extensionsPath, 'hr-poll', 'p2');
      await eventually(
        () => p.api('GET', '/hr-poll').then((r) => r.body),
        (b) => b === 'p2',
      );
    } finally {
      await p.close();
    }
  });
});
