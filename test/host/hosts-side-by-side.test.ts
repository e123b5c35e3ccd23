import { expect, it } from 'vitest';
import { startHost } from '../helpers/host.js';

// Two hosts booting at once in one process (an embedder's, or a test's): the first to finish
// booting let go of esbuild's service while the second still had a transform in it, which then
// never answered, and the second host never finished starting.
it('two hosts boot side by side in one process and both answer', async () => {
  const [a, b] = await Promise.all([startHost(), startHost()]);
  try {
    expect((await a.api('GET', '/server/ping')).status).toBe(200);
    expect((await b.api('GET', '/server/ping')).status).toBe(200);
    expect(a.url).not.toBe(b.url);
  } finally {
    await a.close();
    await b.close();
  }
}, 60_000);
