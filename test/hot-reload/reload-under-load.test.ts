import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { eventually, writeEndpoint } from '../helpers/write-extension.js';

// Split from reload.test.ts: this test keeps four clients busy while it reloads, and a file running
// on the other core at the same time starves the watcher (it runs in the load-sensitive project).
let t: TestHost;
const text = async (p: string) => (await t.api('GET', p)).body;

beforeAll(async () => {
  t = await startHost({ env: { EXTENSIONS_AUTO_RELOAD: 'true', EXTENSIONS_AUTO_RELOAD_DEBOUNCE: '30' } });
});
afterAll(() => t?.close());

describe('hot reload', () => {
  it('serves every request while an endpoint is reloaded 50 times under load', async () => {
    writeEndpoint(t.extensionsPath, 'hr-load', 'r0');
    await eventually(
      () => text('/hr-load'),
      (b) => b === 'r0',
    );
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (!stop) {
        const res = await fetch(`${t.url}/hr-load`).catch((e) => ({ status: 0, text: async () => String(e) }));
        const body = await res.text();
        if (res.status === 200 && /^r\d+$/.test(body)) ok++;
        else failures.push(`${res.status} ${body}`);
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    for (let i = 1; i <= 50; i++) {
      writeEndpoint(t.extensionsPath, 'hr-load', `r${i}`);
      await eventually(
        () => text('/hr-load'),
        (b) => b === `r${i}`,
        30_000,
        5,
      );
    }
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
  });
});
