// Realtime: what a subscription costs the host. One host (WEBSOCKETS_ENABLED), BENCH_SUBSCRIBERS
// (10) connections each subscribed to `watched` over the WebSocket API, and as many to `followed`
// through GraphQL (`followed_mutated`, graphql-ws's client); wrk POSTs items to `plain` (no
// subscriber: the baseline, same host, same run), to `watched` and to `followed`. Printed: server
// CPU per write for each (the host's whole process tree, /proc), the difference per write and per
// message delivered, the messages per second, and whether every subscriber was sent every created item.
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
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
const clients = [];
try {
  const token = await adminToken(url);
  for (const collection of ['plain', 'watched', 'followed'])
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
  /** Created keys each GraphQL subscriber was sent. */
  const followed = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const keys = new Set();
    followed.push(keys);
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { access_token: token },
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { followed_mutated(event: create) { key data { id text } } }' },
      { next: (r) => keys.add(Number(r.data.followed_mutated.key)), error: () => undefined, complete: () => undefined },
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  const script = path.join(dir, 'post.lua');
  const rows = { plain: [], watched: [], followed: [] };
  const orders = [
    ['plain', 'watched', 'followed'],
    ['followed', 'plain', 'watched'],
    ['watched', 'followed', 'plain'],
  ];
  for (let round = 0; round <= ROUNDS; round++) {
    for (const collection of orders[round % 3]) {
      const m = await measuredCpu(child.pid, () =>
        wrkPost(`${url}/items/${collection}`, token, script, { seconds: SECONDS }),
      );
      // Let the fan-out finish before the next case is measured (its CPU belongs to this one).
      await new Promise((r) => setTimeout(r, 500));
      if (round > 0 && m) rows[collection].push(m);
    }
  }
  const count = async (collection) =>
    Number(
      (await requestJson(`${url}/items/${collection}?aggregate[count]=*`, 'GET', undefined, token)).body.data[0].count[
        '*'
      ],
    );
  const created = { watched: await count('watched'), followed: await count('followed') };
  const complete = {
    watched: received.every((keys) => keys.size === created.watched),
    followed: followed.every((keys) => keys.size === created.followed),
  };
  const plain = median(rows.plain.map((r) => r.cpuPerReq));
  const line = (collection, name) => {
    const cpu = median(rows[collection].map((r) => r.cpuPerReq));
    const rps = median(rows[collection].map((r) => r.rps));
    const extra = cpu - plain;
    const all = complete[collection]
      ? 'yes'
      : `no (${(collection === 'watched' ? received : followed).map((k) => k.size).join(', ')})`;
    return [
      `  POST, ${SUBSCRIBERS} ${name}: ${fmt(cpu * 1000, 0)} µs server CPU/write, ${fmt(rps, 0)} writes/s, ${fmt(rps * SUBSCRIBERS, 0)} messages/s`,
      `    ratio ${fmt(cpu / plain, 2)}; ${fmt(extra * 1000, 0)} µs per write, ${fmt((extra * 1000) / SUBSCRIBERS, 0)} µs per message delivered; every subscriber was sent every created item (${created[collection]}): ${all}`,
    ];
  };
  const lines = [
    `realtime (wrk -t1 -c10, ${ROUNDS} rounds of ${SECONDS} s, medians; ${SUBSCRIBERS} subscribers per followed collection)`,
    `  POST, no subscriber (baseline): ${fmt(plain * 1000, 0)} µs server CPU/write, ${fmt(median(rows.plain.map((r) => r.rps)), 0)} writes/s`,
    ...line('watched', 'WebSocket API subscribers ("watched")'),
    ...line('followed', 'GraphQL subscribers ("followed_mutated")'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!complete.watched || !complete.followed) process.exitCode = 1;
} finally {
  for (const ws of sockets) ws.terminate();
  for (const client of clients ?? []) await client.dispose();
  child.kill('SIGTERM');
}
