// Shared helpers for the host-level benchmarks (plain ESM, run with node --no-node-snapshot).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasProc, treeCpuMs } from './proc.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const made = [];

/** A fresh folder under the system's temp folder, removed when the benchmark exits (BENCH_KEEP=1 keeps it). */
export function tempDir(prefix) {
  if (!made.length && process.env.BENCH_KEEP !== '1') {
    process.once('exit', () => {
      for (const dir of made) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    });
    // Interrupted: exit (which removes them) instead of dying with the folders left behind.
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A port nothing listens on now (fixed ports collided with other benchmarks on a shared machine). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The administrator `hostEnv` has a host bootstrap. */
const ADMIN = { email: 'bench@example.com', password: 'bench-password' };

/** One JSON request (`token`: a bearer token); the status and the parsed body (null when it is not JSON). */
export async function requestJson(url, method, body, token) {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** An access token of the administrator `hostEnv` bootstraps, from the host at `url`. */
export async function adminToken(url) {
  const res = await requestJson(`${url}/auth/login`, 'POST', { email: ADMIN.email, password: ADMIN.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.access_token;
}

/** Environment for a throwaway host in `dir`. */
export function hostEnv(dir, extra = {}) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SECRET: 'bench-secret',
    DB_FILENAME: path.join(dir, 'annex.db'),
    EXTENSIONS_PATH: path.join(dir, 'extensions'),
    ...extra,
  };
}

export function writeEndpoint(root, name, body, sandbox = false) {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'endpoint',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        ...(sandbox ? { sandbox: { enabled: true, requestedScopes: {} } } : {}),
      },
    }),
  );
  const code = sandbox
    ? `export default (router) => { router.get('/', (req) => ({ status: 200, body: { ok: true, body: ${JSON.stringify(body)}, q: req.query } })); };\n`
    : `export default (router) => { router.get('/', (req, res) => res.json({ ok: true, body: ${JSON.stringify(body)}, q: req.query })); };\n`;
  const tmp = path.join(dir, 'dist', '.tmp');
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, path.join(dir, 'dist', 'index.js'));
}

export function fmt(n, digits = 1) {
  return Number(n).toFixed(digits);
}

/** A trusted or sandboxed hook extension; `filterOn` adds a filter on `<collection>.items.create` that stamps the payload. */
export function writeHook(root, name, { sandbox = false, filterOn } = {}) {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      'directus:extension': {
        type: 'hook',
        path: 'dist/index.js',
        source: 'src/index.js',
        host: '^10.10.0',
        ...(sandbox ? { sandbox: { enabled: true, requestedScopes: {} } } : {}),
      },
    }),
  );
  const body = filterOn
    ? `filter('${filterOn}.items.create', (payload) => ({ ...payload, note: String(payload.note ?? '') + '!' }));`
    : `action('bench_none.items.create', () => {});`;
  fs.writeFileSync(path.join(dir, 'dist', 'index.js'), `export default ({ filter, action }) => { ${body} };\n`);
}

/** Whether wrk (Debian package `wrk`) is installed. */
export function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    if (e.status !== 1) return false; // wrk prints its version with exit status 1
  }
  return true;
}

/** What one wrk run printed: requests answered, non-2xx/3xx responses, requests per second. */
export function parseWrk(out) {
  return {
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    bad: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
  };
}

/** Starts bench/serve.js of `root` (this checkout by default) on `dir`: the host process and its URL. */
export async function startServe(dir, root = ROOT, extraEnv = {}) {
  const child = spawn(process.execPath, ['--no-node-snapshot', path.join(root, 'bench', 'serve.js')], {
    env: hostEnv(dir, { BENCH_DIR: dir, ...extraEnv }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  return { child, url };
}

/** wrk, one thread, `connections` connections, POSTing `body` (JSON text) for `seconds`: its figures, or null. */
export function wrkPost(url, token, script, { body = '{"text":"x"}', seconds = 3, connections = 10 } = {}) {
  fs.writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.body = '${body}'\nwrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ${token}"\n`,
  );
  try {
    return parseWrk(
      execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' }),
    );
  } catch {
    return null;
  }
}

/** Runs `load` and returns its figures with the server's CPU ms per request over `pid`'s whole tree. */
export async function measuredCpu(pid, load) {
  const before = hasProc() ? treeCpuMs(pid) : Number.NaN;
  const r = await load();
  if (!r) return null;
  return { ...r, cpuPerReq: ((hasProc() ? treeCpuMs(pid) : Number.NaN) - before) / Math.max(1, r.requests) };
}
