// Realtime: what a subscription costs the host. One host (WEBSOCKETS_ENABLED), BENCH_SUBSCRIBERS
// (10) connections each subscribed to `watched`; wrk POSTs items to `plain` (no subscriber: the
// baseline, same host, same run) and to `watched`. Printed: server CPU per write for each (the
// host's whole process tree, /proc), the difference per write and per message delivered, the
// messages per second, and whether every subscriber was sent every created item.
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { adminToken, fmt, hasWrk, measuredCpu, requestJson, startServe, tempDir, wrkPost } from './lib.js';
import { hasProc } from './proc.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SUBSCRIBERS = Math.max(1, Number(process.env.BENCH_SUBSCRIBERS ?? 10));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!hasWrk() || !hasProc()) {
  process.stdout.write('realtime: needs wrk and /proc; skipped\n');
  process.exit(0);
}

const dir = tempDir('annex-bench-realtime-');
fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
const { child, url } = await startServe(dir, undefined, {
  WEBSOCKETS_ENABLED: 'true',
  WEBSOCKETS_HEARTBEAT_ENABLED: 'false',
  // A benchmark's subscribers read everything they are sent; the defaults would also do.
  WEBSOCKETS_RATE_LIMIT: '1000',
});
const sockets = [];
try {
  const token = await adminToken(url);
  for (const collection of ['plain', 'watched'])
    await requestJson(`${url}/collections`, 'POST', { collection, fields: [{ field: 'text', type: 'string' }] }, token);
  /** Created keys each subscriber was sent. */
  const received = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/websocket?access_token=${token}`);
    const keys = new Set();
    received.push(keys);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const ready = new Promise((resolve) =>
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.event === 'init') resolve();
        if (m.event === 'create') for (const row of m.data) keys.add(row.id);
      }),
    );
    ws.send(JSON.stringify({ type: 'subscribe', collection: 'watched', query: { fields: ['id', 'text'] }, uid: 'w' }));
    await ready;
    sockets.push(ws);
  }
  const script = path.join(dir, 'post.lua');
  const rows = { plain: [], watched: [] };
  for (let round = 0; round <= ROUNDS; round++) {
    for (const collection of round % 2 ? ['watched', 'plain'] : ['plain', 'watched']) {
      const m = await measuredCpu(child.pid, () =>
        wrkPost(`${url}/items/${collection}`, token, script, { seconds: SECONDS }),
      );
      // Let the fan-out finish before the next case is measured (its CPU belongs to this one).
      await new Promise((r) => setTimeout(r, 500));
      if (round > 0 && m) rows[collection].push(m);
    }
  }
  const created = (await requestJson(`${url}/items/watched?aggregate[count]=*`, 'GET', undefined, token)).body.data[0]
    .count['*'];
  const complete = received.every((keys) => keys.size === Number(created));
  const plain = median(rows.plain.map((r) => r.cpuPerReq));
  const watched = median(rows.watched.map((r) => r.cpuPerReq));
  const rps = median(rows.watched.map((r) => r.rps));
  const extra = watched - plain;
  const lines = [
    `realtime (wrk -t1 -c10, ${ROUNDS} rounds of ${SECONDS} s, medians; ${SUBSCRIBERS} subscribers on "watched")`,
    `  POST, no subscriber (baseline): ${fmt(plain * 1000, 0)} µs server CPU/write, ${fmt(median(rows.plain.map((r) => r.rps)), 0)} writes/s`,
    `  POST, ${SUBSCRIBERS} subscribers:          ${fmt(watched * 1000, 0)} µs server CPU/write, ${fmt(rps, 0)} writes/s, ${fmt(rps * SUBSCRIBERS, 0)} messages/s`,
    `  ratio ${fmt(watched / plain, 2)}; ${fmt(extra * 1000, 0)} µs per write, ${fmt((extra * 1000) / SUBSCRIBERS, 0)} µs per message delivered (a read under the subscriber's permissions and a send)`,
    `  every subscriber was sent every created item (${created}): ${complete ? 'yes' : `no (${received.map((k) => k.size).join(', ')})`}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!complete) process.exitCode = 1;
} finally {
  for (const ws of sockets) ws.terminate();
  child.kill('SIGTERM');
}
