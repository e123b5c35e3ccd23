import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../helpers/host.js';
import { writeEmitter } from '../../helpers/write-extension.js';

/**
 * A sandboxed extension granted `emit: ["**"]` (every event name) announces its own events; it cannot pass for the
 * host by emitting item, auth or server events that flows and trusted hooks act on.
 */
describe("sandbox attacks: emitting the host's events", () => {
  let t: TestHost;
  let dir: string;
  let heard: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-emit-'));
    const ext = writeEmitter(dir, 'shouter');
    t = await startHost({ extensions: [ext] });
    for (const event of [
      'items.create',
      'articles.items.delete',
      'users.create',
      'auth.login',
      'server.start',
      'extensions.install',
      'flows.update',
      'shouter.done',
    ]) {
      t.host.kernel.emitter.onAction(event, (meta) => void heard.push(String(meta.event)), 'test');
    }
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const shout = async (event: string) => (await t.api('POST', '/shouter', { event })).body;

  it('item, auth and server events are refused and reach no listener', async () => {
    heard = [];
    for (const event of [
      'items.create',
      'articles.items.delete',
      'users.create',
      'auth.login',
      'server.start',
      'extensions.install',
      'flows.update',
    ]) {
      expect(await shout(event), event).toBe('FORBIDDEN');
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(heard.filter((e) => !e.startsWith('shouter'))).toEqual([]);
  });

  it('its own events still go out', async () => {
    heard = [];
    expect(await shout('shouter.done')).toBe('emitted');
    await new Promise((r) => setTimeout(r, 20));
    expect(heard).toContain('shouter.done');
  });
});
