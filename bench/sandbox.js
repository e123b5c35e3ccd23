// Sandbox runtime benchmark: everything is measured side by side in this one run and printed
// with its baseline. Run: `npm run build && node --no-node-snapshot bench/sandbox.js`.
//
//   1. `directus:api` bridge call latency (isolate → capability → back), p50/p95, for the
//      in-worker path (inline engine) and the cross-process path (process engine), against a
//      plain async function call. Samples are intervals between consecutive CapabilityHost
//      invocations while a handler awaits `storage.get()` in a loop, i.e. one full round trip.
//   2. Cold activation p50 (load → registered) of a small sandboxed extension.
//   3. RSS per idle sandboxed extension at N = 200 (worker RSS delta / N).
//   4. Call throughput of a sandboxed handler vs the same handler as a plain function, and
//      the same comparison behind a minimal HTTP server whose client runs on the same thread
//      (a runtime view; the endpoint target is judged by endpoint-throughput.js on the full host).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createSandboxEngine } from '@annex/runtime';

const TARGETS = { bridgeP50Us: 25, coldP50Ms: 3, rssPerExtMb: 3, throughputRatio: 0.7 };
const quick = process.argv.includes('--quick');

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), n: s.length };
};
const fmt = (n, d = 1) => (typeof n === 'number' ? n.toFixed(d) : String(n));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A CapabilityHost whose storage.get records when it is called. */
function recordingHost() {
  const stamps = [];
  return {
    stamps,
    host: {
      async items() {
        return [];
      },
      async storage(_ext, method) {
        if (method === 'get') stamps.push(performance.now());
        return 1;
      },
      async emit() {},
      log() {},
    },
  };
}

const intervalsUs = (stamps) => stamps.slice(1).map((t, i) => (t - stamps[i]) * 1000);

let seq = 0;
const spec = (code, extra = {}) => ({
  id: `bench-${++seq}`,
  version: '1.0.0',
  type: 'endpoint',
  code,
  filename: `/bench/ext-${seq}/index.js`,
  grantedScopes: { storage: {} },
  env: {},
  ...extra,
});

const BRIDGE_EXT = `import { storage } from 'directus:api';
export default (router) => { router.get('/', async (req) => { for (let i = 0; i < req.n; i++) await storage.get('k'); return { status: 200, body: req.n }; }); };`;

/** A bridge-latency probe: `sample(calls)` → intervals (µs) of `calls` round trips; `close()`. */
async function bridgeProbe(kind) {
  const rec = recordingHost();
  const engine = createSandboxEngine({ kind, workers: 1, capabilityHost: rec.host });
  const inst = await engine.load(spec(BRIDGE_EXT));
  await inst.call(0, [{ n: 2000 }]); /* warm up */
  return {
    async sample(calls) {
      rec.stamps.length = 0;
      await inst.call(0, [{ n: calls }]);
      return intervalsUs(rec.stamps);
    },
    close: () => engine.close(),
  };
}

/** The baseline probe: the same CapabilityHost call as a plain async function. */
async function baselineProbe() {
  const rec = recordingHost();
  const fn = (name, key) => rec.host.storage({ id: 'x' }, name, [key]);
  for (let i = 0; i < 2000; i++) await fn('get', 'k');
  return {
    async sample(calls) {
      rec.stamps.length = 0;
      for (let i = 0; i < calls; i++) await fn('get', 'k');
      return intervalsUs(rec.stamps);
    },
    close: async () => {},
  };
}

/** Baseline and both paths sampled in interleaved rounds (so a busy moment hits all three alike); pooled p50/p95. */
async function latencies(calls, rounds = 3) {
  const probes = {
    base: await baselineProbe(),
    inline: await bridgeProbe('inline'),
    proc: await bridgeProbe('process'),
  };
  const samples = { base: [], inline: [], proc: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      samples.base.push(...(await probes.base.sample(Math.ceil(calls / rounds))));
      samples.inline.push(...(await probes.inline.sample(Math.ceil(calls / rounds))));
      samples.proc.push(...(await probes.proc.sample(Math.ceil(Math.min(calls, 5000) / rounds))));
    }
  } finally {
    for (const p of Object.values(probes)) await p.close();
  }
  return { base: stats(samples.base), inline: stats(samples.inline), proc: stats(samples.proc) };
}

const SMALL_EXT = `import { log } from 'directus:api';
export default (router) => { router.get('/', (req) => ({ status: 200, body: { hello: req.query.name } })); router.post('/', (req) => ({ status: 201, body: req.body })); };`;

/**
 * `idle`: each activation starts after the process had an idle moment (hot reload, enabling
 * one extension), so the spare isolate created in the background is ready. Otherwise loads
 * run back to back (boot), and every one creates its isolate.
 */
async function coldActivation(kind, n, idle) {
  const engine = createSandboxEngine({ kind, workers: 1, capabilityHost: recordingHost().host });
  try {
    for (let i = 0; i < 5; i++) await engine.load(spec(SMALL_EXT)); /* code cache, worker warm */
    const samples = [];
    for (let i = 0; i < n; i++) {
      if (idle) await sleep(8);
      const t = performance.now();
      const inst = await engine.load(spec(SMALL_EXT));
      samples.push(performance.now() - t);
      if (inst.registrations.routes.length !== 2) throw new Error('not registered');
      await inst.dispose();
    }
    return stats(samples);
  } finally {
    await engine.close();
  }
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
}

async function rssPerExtension(n) {
  const engine = createSandboxEngine({ kind: 'process', workers: 1, capabilityHost: recordingHost().host });
  try {
    await engine.load(spec(SMALL_EXT));
    await sleep(500);
    const pid = engine.workers()[0].pid;
    const before = rssOf(pid);
    for (let i = 0; i < n; i++) await engine.load(spec(SMALL_EXT));
    await sleep(1500);
    const after = rssOf(pid);
    return {
      perExtMb: (after - before) / n / 1048576,
      beforeMb: before / 1048576,
      afterMb: after / 1048576,
      isolates: await engine.isolateCount(),
    };
  } finally {
    await engine.close();
  }
}

/** The handler under test, as source: a small endpoint doing real work on its request. */
const HANDLER = `(req) => {
  const items = [];
  for (let i = 0; i < 20; i++) items.push({ id: i, title: 'item ' + i, tags: ['a', 'b'], score: (i * 7919) % 101 });
  const filtered = items.filter((it) => it.score > Number(req.query.min || 0));
  return { status: 200, headers: { 'x-count': String(filtered.length) }, body: { user: req.query.name, count: filtered.length, items: filtered.slice(0, 5) } };
}`;
const THROUGHPUT_EXT = `const handler = ${HANDLER};\nexport default (router) => { router.get('/', handler); };`;
const plainHandler = new Function(`return ${HANDLER}`)();

/** Calls per second of `call` with `concurrency` callers: only calls that finished within the window count. */
async function throughput(call, seconds, concurrency) {
  let count = 0;
  const end = performance.now() + seconds * 1000;
  const req = {
    method: 'GET',
    url: '/?name=x&min=30',
    path: '/',
    query: { name: 'x', min: '30' },
    params: {},
    headers: {},
    body: null,
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call(req);
        if (performance.now() <= end) count++;
      }
    }),
  );
  return count / seconds;
}

async function httpThroughput(handle, seconds, concurrency) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const out = await handle({
      method: req.method,
      url: req.url,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      params: {},
      headers: req.headers,
      body: null,
    });
    res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) });
    res.end(JSON.stringify(out.body));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const port = server.address().port;
  const get = () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/?name=x&min=30', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  try {
    return await throughput(get, seconds, concurrency);
  } finally {
    agent.destroy();
    await new Promise((r) => server.close(r));
  }
}

async function main() {
  const started = performance.now();
  const calls = quick ? 3000 : 20000;
  console.log(`Annex sandbox benchmark (node ${process.version}, ${quick ? 'quick' : 'full'} run)\n`);

  const { base, inline, proc } = await latencies(calls);
  console.log('1. directus:api bridge call latency (isolate → capability → back), µs');
  console.log(
    `   plain async function call (baseline)   p50 ${fmt(base.p50, 2)}   p95 ${fmt(base.p95, 2)}   (n=${base.n})`,
  );
  console.log(
    `   in-worker path (isolate, same thread)   p50 ${fmt(inline.p50)}   p95 ${fmt(inline.p95)}   (n=${inline.n})   ratio p50 ${fmt(inline.p50 / base.p50, 0)}x baseline`,
  );
  console.log(
    `   cross-process path (worker → host IPC)  p50 ${fmt(proc.p50)}   p95 ${fmt(proc.p95)}   (n=${proc.n})   ratio p50 ${fmt(proc.p50 / base.p50, 0)}x baseline`,
  );
  console.log(
    `   target in-worker p50 ≤ ${TARGETS.bridgeP50Us} µs: ${inline.p50 <= TARGETS.bridgeP50Us ? 'met' : 'NOT met'}\n`,
  );

  const n = quick ? 20 : 60;
  const cold = {
    inlineIdle: await coldActivation('inline', n, true),
    processIdle: await coldActivation('process', n, true),
    inlineBurst: await coldActivation('inline', n, false),
    processBurst: await coldActivation('process', n, false),
  };
  console.log('2. cold activation of a sandboxed extension (load → registered), ms');
  console.log('                                          after an idle moment      back to back (boot)');
  console.log(
    `   in-worker (isolate + bootstrap + module + registration)   p50 ${fmt(cold.inlineIdle.p50, 2)}  p95 ${fmt(cold.inlineIdle.p95, 2)}      p50 ${fmt(cold.inlineBurst.p50, 2)}  p95 ${fmt(cold.inlineBurst.p95, 2)}`,
  );
  console.log(
    `   through the process engine (+ IPC round trip)             p50 ${fmt(cold.processIdle.p50, 2)}  p95 ${fmt(cold.processIdle.p95, 2)}      p50 ${fmt(cold.processBurst.p50, 2)}  p95 ${fmt(cold.processBurst.p95, 2)}`,
  );
  console.log(
    `   target p50 ≤ ${TARGETS.coldP50Ms} ms (Directus: 3.1 ms), process engine: ${cold.processIdle.p50 <= TARGETS.coldP50Ms ? 'met' : 'NOT met'} after idle, ${cold.processBurst.p50 <= TARGETS.coldP50Ms ? 'met' : 'NOT met'} back to back\n`,
  );

  const rss = await rssPerExtension(quick ? 50 : 200);
  console.log(`3. RSS per idle sandboxed extension at N=${quick ? 50 : 200}`);
  console.log(
    `   worker RSS ${fmt(rss.beforeMb)} MB → ${fmt(rss.afterMb)} MB with ${rss.isolates} isolates: ${fmt(rss.perExtMb, 2)} MB per extension`,
  );
  console.log(`   target ≤ ${TARGETS.rssPerExtMb} MB: ${rss.perExtMb <= TARGETS.rssPerExtMb ? 'met' : 'NOT met'}\n`);

  const seconds = quick ? 0.5 : 1;
  const rounds = 3;
  // Baselines interleaved with what they are compared with: each round measures the plain handler,
  // then both engines, directly and over HTTP, so every ratio pairs figures taken moments apart.
  const engines = {};
  const handlers = { plain: async (req) => plainHandler(req) };
  const samples = { plain: [], inline: [], process: [], plainHttp: [], inlineHttp: [], processHttp: [] };
  try {
    for (const kind of ['inline', 'process']) {
      engines[kind] = createSandboxEngine({
        kind,
        workers: 1,
        capabilityHost: recordingHost().host,
        defaults: { maxConcurrentCalls: 256 },
      });
      const inst = await engines[kind].load(spec(THROUGHPUT_EXT));
      handlers[kind] = (req) => inst.call(0, [req]);
      await throughput(handlers[kind], 0.3, 16);
    }
    for (let i = 0; i < rounds; i++) {
      for (const kind of ['plain', 'inline', 'process'])
        samples[kind].push(await throughput(handlers[kind], seconds, 16));
      for (const kind of ['plain', 'inline', 'process'])
        samples[`${kind}Http`].push(await httpThroughput(handlers[kind], seconds, 16));
    }
  } finally {
    for (const engine of Object.values(engines)) await engine.close();
  }
  // One statistic: medians for the figures, the median of the per-round ratios for each ratio.
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const ratioOf = (kind, base) => med(samples[kind].map((v, i) => v / samples[base][i]));
  const plain = med(samples.plain);
  const plainHttp = med(samples.plainHttp);
  const results = {
    inline: med(samples.inline),
    process: med(samples.process),
    inlineHttp: med(samples.inlineHttp),
    processHttp: med(samples.processHttp),
  };
  const ratios = {
    inline: ratioOf('inline', 'plain'),
    process: ratioOf('process', 'plain'),
    inlineHttp: ratioOf('inlineHttp', 'plainHttp'),
    processHttp: ratioOf('processHttp', 'plainHttp'),
  };
  console.log(
    `4. call throughput of the same handler, calls/s (16 concurrent callers; medians of ${rounds} interleaved rounds of ${seconds} s, ratio = median of per-round ratios)`,
  );
  console.log(`   plain in-process function (baseline)   ${fmt(plain, 0)}`);
  console.log(`   sandboxed, inline engine               ${fmt(results.inline, 0)}   ratio ${fmt(ratios.inline, 3)}`);
  console.log(`   sandboxed, process engine              ${fmt(results.process, 0)}   ratio ${fmt(ratios.process, 3)}`);
  console.log('   behind a minimal HTTP server (keep-alive client in the same process):');
  console.log(`   trusted handler                        ${fmt(plainHttp, 0)} req/s`);
  console.log(
    `   sandboxed, inline engine               ${fmt(results.inlineHttp, 0)} req/s   ratio ${fmt(ratios.inlineHttp, 3)}`,
  );
  console.log(
    `   sandboxed, process engine              ${fmt(results.processHttp, 0)} req/s   ratio ${fmt(ratios.processHttp, 3)}`,
  );
  /* Server and client share this one thread here; an endpoint's target is judged on the full host, with the generator in its own process. */
  console.log(
    `   (runtime view only: the endpoint target, ratio ≥ ${TARGETS.throughputRatio}, is measured on the full host by bench/endpoint-throughput.js)\n`,
  );

  console.log(`done in ${fmt((performance.now() - started) / 1000)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
