import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, type Host } from '@annex/host';
import { getRunCacheDir } from './run-cache.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(ROOT, 'fixtures');

export interface TestHost {
  host: Host;
  url: string;
  dir: string;
  extensionsPath: string;
  token: string;
  /** Fetch with JSON in/out; `token: null` sends no Authorization header. */
  /** `timeoutMs`: fail instead of waiting for an answer that may never come (attack tests). */
  api(
    method: string,
    urlPath: string,
    body?: unknown,
    token?: string | null,
    timeoutMs?: number,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
  /** Restart on the same database and extensions folder. */
  restart(): Promise<TestHost>;
}

export interface TestHostOptions {
  /** Fixture folders (relative to fixtures/) or absolute paths copied into EXTENSIONS_PATH. */
  extensions?: string[];
  env?: Record<string, string>;
  dir?: string;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/**
 * The environment of a test host whose data folder is `dir` (database, `extensions/`): what
 * startHost runs with, and what tests that start `annex` as a process give it.
 */
export function testHostEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.ANNEX_TEST_LOG ?? 'silent',
    ADMIN_EMAIL: 'admin@example.com',
    ADMIN_PASSWORD: 'admin-password',
    SECRET: 'test-secret-0123456789',
    DB_FILENAME: path.join(dir, 'annex.db'),
    EXTENSIONS_PATH: path.join(dir, 'extensions'),
    EXTENSIONS_AUTO_RELOAD: 'false',
    // Hashes at the least cost allowed: hundreds of admins and users are created and log in during a
    // run (38 ms of CPU each at the default 16384; HASH_MEMORY_COST's own test covers the default).
    HASH_MEMORY_COST: '1024',
    // The code cache and transformed entries are shared by the run's hosts (run-cache.ts).
    ANNEX_CACHE_DIR: getRunCacheDir(),
    ...extra,
  };
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** undici's error for a connection closed by the other side (`fetch failed`, caused by a socket error). */
function isStaleConnection(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** A real host on a temporary SQLite database (or ANNEX_TEST_PG when `pg: true`), listening on a free port. */
export async function startHost(options: TestHostOptions = {}): Promise<TestHost> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'annex-test-'));
  const extensionsPath = path.join(dir, 'extensions');
  if (!options.dir) {
    fs.mkdirSync(extensionsPath, { recursive: true });
    for (const ext of options.extensions ?? []) {
      const src = path.isAbsolute(ext) ? ext : path.join(FIXTURES, ext);
      copyDir(src, path.join(extensionsPath, path.basename(src)));
    }
  }
  const env = { ...testHostEnv(dir), EXTENSIONS_REGISTER_TIMEOUT: '1500', ...options.env };
  const host = await createHost({ env, cwd: dir, packageFile: null });
  const url = await host.listen(0, '127.0.0.1');
  const api: TestHost['api'] = async (method, urlPath, body, tok, timeoutMs) => {
    const headers: Record<string, string> = {};
    const bearer = tok === undefined ? token : tok;
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const send = () =>
      fetch(url + urlPath, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      });
    const res = await send()
      .catch((err) => {
        // A kept-alive connection the host closed after 5 idle seconds (keepAliveTimeout) while the
        // client, starved of CPU, was still about to reuse it: a browser sends an idempotent request
        // again on a fresh connection, and so does this. Anything else (a host that is gone) fails.
        if (IDEMPOTENT.has(method) && isStaleConnection(err)) return send();
        throw err;
      })
      .catch((err) => {
        // undici's "fetch failed" hides its cause, which vitest does not print: name it.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        if (!cause) throw err;
        throw new Error(`${method} ${urlPath}: ${(err as Error).message} (${cause.code ?? cause.message})`, { cause });
      });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, body: parsed, headers: res.headers };
  };
  let token = '';
  const login = await api('POST', '/auth/login', { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }, null);
  token = login.body?.data?.access_token;
  const self: TestHost = {
    host,
    url,
    dir,
    extensionsPath,
    token,
    api,
    close: () => host.close(),
    async restart() {
      await host.close();
      return startHost({ ...options, dir });
    },
  };
  return self;
}

/** Creates a collection through the API (fields: name → type). */
export async function createCollection(
  t: TestHost,
  collection: string,
  fields: Record<string, string | { type: string; meta?: object; schema?: object; related_collection?: string }>,
): Promise<void> {
  const res = await t.api('POST', '/collections', {
    collection,
    fields: Object.entries(fields).map(([field, spec]) =>
      typeof spec === 'string' ? { field, type: spec } : { field, ...spec },
    ),
  });
  if (res.status !== 200) throw new Error(`createCollection ${collection}: ${JSON.stringify(res.body)}`);
}

/**
 * A many-to-many from `collection` to `related` as Directus models one: a junction collection with
 * a many-to-one to each side (`<collection>_id`, `<related>_id`) and the alias field on
 * `collection` (its `meta` carries the `special`, `m2m` unless given, and the interface).
 */
export async function createManyToMany(
  t: TestHost,
  spec: {
    collection: string;
    field: string;
    related: string;
    junction: string;
    meta: { special?: string[]; interface: string; options?: object };
    /** The primary key types of the two sides (integer unless given). */
    keyTypes?: { collection?: string; related?: string };
  },
): Promise<void> {
  await createCollection(t, spec.junction, {
    [`${spec.collection}_id`]: { type: spec.keyTypes?.collection ?? 'integer', related_collection: spec.collection },
    [`${spec.related}_id`]: { type: spec.keyTypes?.related ?? 'integer', related_collection: spec.related },
  });
  const res = await t.api('POST', `/fields/${spec.collection}`, {
    field: spec.field,
    type: 'alias',
    meta: { special: ['m2m'], ...spec.meta },
    related_collection: spec.junction,
  });
  if (res.status !== 200) throw new Error(`createManyToMany ${spec.field}: ${JSON.stringify(res.body)}`);
}

/**
 * A `languages` collection keyed by code, as Directus's translations use one, with English,
 * German and Arabic (right to left).
 */
export async function createLanguages(t: TestHost): Promise<void> {
  const res = await t.api('POST', '/collections', {
    collection: 'languages',
    fields: [
      { field: 'code', type: 'string', schema: { is_primary_key: true } },
      { field: 'name', type: 'string' },
      { field: 'direction', type: 'string' },
    ],
  });
  if (res.status !== 200) throw new Error(`createLanguages: ${JSON.stringify(res.body)}`);
  const rows = await t.api('POST', '/items/languages', [
    { code: 'ar-SA', name: 'Arabic', direction: 'rtl' },
    { code: 'de-DE', name: 'German', direction: 'ltr' },
    { code: 'en-US', name: 'English', direction: 'ltr' },
  ]);
  if (rows.status !== 200) throw new Error(`createLanguages: ${JSON.stringify(rows.body)}`);
}

/** Creates a role with collection permissions and a user with a static token; returns the token. */
export async function createUser(
  t: TestHost,
  name: string,
  permissions: {
    collection: string;
    action: string;
    permissions?: object;
    validation?: object;
    presets?: object;
    fields?: string;
  }[],
): Promise<{ token: string; userId: string; roleId: string }> {
  // Every setup call is checked: a denial test must not pass because a grant silently failed.
  const role = await t.api('POST', '/roles', { name, admin_access: false, app_access: true });
  if (role.status !== 200 || !role.body?.data?.id)
    throw new Error(`createUser ${name}: role ${role.status} ${JSON.stringify(role.body)}`);
  const roleId = role.body.data.id;
  for (const p of permissions) {
    const res = await t.api('POST', '/permissions', { role: roleId, fields: '*', ...p });
    if (res.status !== 200)
      throw new Error(`createUser ${name}: permission ${JSON.stringify(p)} ${res.status} ${JSON.stringify(res.body)}`);
  }
  const token = `token-${name}-${Math.random().toString(36).slice(2)}`;
  const user = await t.api('POST', '/users', {
    email: `${name}@example.com`,
    password: 'secret-password',
    role: roleId,
    token,
  });
  if (user.status !== 200 || !user.body?.data?.id)
    throw new Error(`createUser ${name}: user ${user.status} ${JSON.stringify(user.body)}`);
  return { token, userId: user.body.data.id, roleId };
}
