import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameResponse, load } from '../../bench/http-load.js';

/** The benchmark's load generator decides the throughput figures: it must count exactly what the server answered. */
describe('bench load generator', () => {
  let server: http.Server;
  let url: string;
  let served = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      served++;
      if (req.url?.startsWith('/chunked')) {
        res.write('a');
        res.end('bc');
      } else if (req.url?.startsWith('/fail')) {
        res.statusCode = 503;
        res.end('no');
      } else res.end(JSON.stringify({ ok: true, n: served }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('frames Content-Length and chunked responses, and waits for incomplete ones', () => {
    const fixed = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 N');
    expect(frameResponse(fixed)).toEqual({ end: fixed.indexOf('hello') + 5, status: 200 });
    expect(frameResponse(fixed.subarray(0, fixed.indexOf('hello') + 4))).toBeNull();
    const chunked = Buffer.from('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n');
    expect(frameResponse(chunked)).toEqual({ end: chunked.length, status: 201 });
    expect(frameResponse(chunked.subarray(0, chunked.length - 2))).toBeNull();
    expect(() => frameResponse(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody'))).toThrow(
      /cannot frame/,
    );
  });

  it('counts every answered request once, over keep-alive connections', async () => {
    served = 0;
    const result = await load(`${url}/?a=1`, { connections: 4, seconds: 0.3 });
    expect(result.failed).toBe(0);
    expect(result.ok).toBeGreaterThan(10);
    expect(result.ok).toBe(served);
    // The rate counts only answers within the window; the drained rest are checked but not counted.
    expect(result.inWindow).toBeLessThanOrEqual(result.ok);
    expect(result.inWindow).toBeGreaterThan(0);
    expect(result.rps).toBe(result.inWindow / 0.3);
    const chunked = await load(`${url}/chunked`, { connections: 2, seconds: 0.2 });
    expect(chunked.failed).toBe(0);
    expect(chunked.ok).toBeGreaterThan(0);
  });

  it('counts non-200 answers as failures', async () => {
    const result = await load(`${url}/fail`, { connections: 2, seconds: 0.2 });
    expect(result.ok).toBe(0);
    expect(result.failed).toBeGreaterThan(0);
  });
});
