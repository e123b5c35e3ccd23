import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/** A trusted endpoint `/<name>` that answers after `ms`. */
function slowEndpoint(name: string, ms: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-slow-'));
  return writeEndpoint(root, name, '', {
    raw: `export default (router) => { router.get('/', async (_req, res) => { await new Promise((r) => setTimeout(r, ${ms})); res.json?.({ done: true }); }); };\n`,
  });
}

describe('host shutdown', () => {
  it('lets a request in flight finish before it closes', async () => {
    const t = await startHost({ extensions: [slowEndpoint('slow', 300)], env: { SERVER_SHUTDOWN_TIMEOUT: '30000' } });
    const response = fetch(`${t.url}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.close();
    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${t.url}/slow`)).rejects.toThrow();
  });

  it('cuts what is still running after SERVER_SHUTDOWN_TIMEOUT', async () => {
    const t = await startHost({ extensions: [slowEndpoint('stuck', 60_000)], env: { SERVER_SHUTDOWN_TIMEOUT: '200' } });
    const response = fetch(`${t.url}/stuck`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 100));
    await t.close(); /* would take a minute without the cut; the test times out first */
    expect(await response).toBe('cut');
  }, 10_000);

  it("ends the admin app's event streams as it stops, so they do not hold the drain", async () => {
    const t = await startHost({ env: { SERVER_SHUTDOWN_TIMEOUT: '60000' } });
    const res = await fetch(`${t.url}/extensions/events`, { headers: { Authorization: `Bearer ${t.token}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); /* the hello event */
    await t.close(); /* the test times out long before the 60 s timeout if the stream holds it */
    let ended = false;
    while (!ended) ended = (await reader.read()).done;
    expect(ended).toBe(true);
  }, 10_000);
});
