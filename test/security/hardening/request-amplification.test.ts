import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArena, type Arena } from '../sandbox/harness.js';

/** ~3.9 MB on the wire that parse into ~1.3 million objects. */
const BOMB = `[${'{},'.repeat(1_300_000)}{}]`;

/**
 * `request()` never parses untrusted JSON on the host's thread: the body crosses as text and is
 * parsed in the isolate, under the extension's limits; requests in flight per extension are capped
 * (issue 17, item 4).
 */
describe('request() amplification', () => {
  let arena: Arena;
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
      const json = req.url === '/bomb' || req.url === '/bomb-text';
      res.setHeader(
        'content-type',
        json && req.url === '/bomb' ? 'application/json' : req.url === '/small' ? 'application/json' : 'text/plain',
      );
      res.end(req.url === '/small' ? '{"a":[1,2,3]}' : req.url === '/broken' ? '{not json' : BOMB);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    arena = await createArena({ defaults: { cpuTimeoutMs: 2000, wallTimeoutMs: 10_000, memoryMb: 32 } });
  });
  afterAll(async () => {
    await arena.close();
    server.close();
  });
  const scope = () => ({
    grantedScopes: { request: { urls: [`http://127.0.0.1:${port}/*`], methods: ['GET' as const], allowPrivate: true } },
  });

  it('JSON still arrives parsed, invalid JSON as text', async () => {
    const r = await arena.run(
      `const a = await api.request('http://127.0.0.1:${port}/small'); const b = await api.request('http://127.0.0.1:${port}/broken'); return [a.data, typeof b.data, Object.keys(a).sort()];`,
      scope(),
    );
    expect(r.body).toEqual([{ a: [1, 2, 3] }, 'string', ['data', 'headers', 'status', 'statusText', 'url']]);
  });

  /** The longest event-loop stall of this (host) process while two extensions fetch `path` at once. */
  async function hostStall(path: string): Promise<{ stallMs: number; codes: unknown[] }> {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const results = await Promise.all(
      Array.from({ length: 2 }, () =>
        arena.run(
          `try { const r = await api.request('http://127.0.0.1:${port}${path}'); return typeof r.data; } catch (e) { return e.code; }`,
          scope(),
        ),
      ),
    );
    h.disable();
    return { stallMs: h.max / 1e6, codes: results.map((r) => r.body ?? r.code) };
  }

  it('a small-on-the-wire, huge-when-parsed body costs the host no more than the same bytes as text', async () => {
    // Two interleaved rounds: parsing on the host would stall it in every round, while a busy
    // machine adds stalls to either at random, so the JSON's better round meets the text's worse one.
    const texts: number[] = [];
    const jsons: number[] = [];
    for (let round = 0; round < 2; round++) {
      texts.push((await hostStall('/bomb-text')).stallMs);
      const json = await hostStall('/bomb');
      // Parsed in the isolate, 1.3 million objects are past a 32 MB isolate: the extension (or at worst its worker) fails, the host does not stall.
      for (const c of json.codes) expect(String(c)).toMatch(/^(object|RT_MEMORY_LIMIT|RT_WORKER_CRASHED|RT_TIMEOUT)$/);
      jsons.push(json.stallMs);
    }
    const text = Math.max(...texts);
    const json = Math.min(...jsons);
    expect(json, `text ${texts.map((x) => x.toFixed(1))} ms, json ${jsons.map((x) => x.toFixed(1))} ms`).toBeLessThan(
      Math.max(text, 20) * 3,
    );
  });

  it('requests in flight per extension are capped (RT_BUSY)', async () => {
    const r = await arena.run(
      `const out = await Promise.all(Array.from({ length: 20 }, () => api.request('http://127.0.0.1:${port}/slow').then(() => 'ok', (e) => e.code))); return out.filter((c) => c === 'RT_BUSY').length;`,
      scope(),
    );
    expect(r.body, JSON.stringify(r)).toBe(12);
  });
});
