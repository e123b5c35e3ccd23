import path from 'node:path';

/*
 * The `env` extensions receive, as Directus builds it (its @directus/env): each variable cast to
 * what it looks like — `true`/`false` to booleans, a plain number to a number, a comma-separated
 * list to an array, JSON text to its value — unless a prefix says what it is (`string:`,
 * `number:`, `boolean:`, `regex:`, `array:`, `json:`), with Directus's defaults for what it
 * always has (`PUBLIC_URL`, `CONFIG_PATH`, `STORAGE_LOCATIONS`, …). Secrets and addresses stay
 * text: a password of digits is not a number. The host reads its own configuration from the
 * raw variables (config.ts); this is the extensions' view of them.
 */

/** Variables that stay text whatever they look like (credentials, keys, paths and addresses). */
const TEXT = /(PASSWORD|SECRET|TOKEN|KEY|_URL|_PATH|_NAME|_USER|_HOST|_FROM|_TO|_ID)$/;

/** Directus's defaults for what an extension can count on being set. */
function defaults(cwd: string): Record<string, unknown> {
  return {
    HOST: '0.0.0.0',
    PORT: 8055,
    PUBLIC_URL: '/',
    CONFIG_PATH: path.resolve(cwd, '.env'),
    STORAGE_LOCATIONS: ['local'],
    STORAGE_LOCAL_DRIVER: 'local',
    STORAGE_LOCAL_ROOT: './uploads',
    EXTENSIONS_PATH: './extensions',
    EMAIL_TEMPLATES_PATH: './templates',
    EMAIL_TRANSPORT: 'sendmail',
    FLOWS_ENV_ALLOW_LIST: false,
    WEBSOCKETS_ENABLED: false,
    CACHE_ENABLED: false,
  };
}

/** One variable's value as Directus casts it. */
export function castEnvValue(key: string, value: string): unknown {
  const prefixed = /^(string|number|boolean|regex|array|json):(.*)$/s.exec(value);
  if (prefixed) {
    const [, type, rest] = prefixed as unknown as [string, string, string];
    if (type === 'string') return rest;
    if (type === 'number') return Number(rest);
    if (type === 'boolean') return rest === 'true';
    if (type === 'regex') return new RegExp(rest);
    if (type === 'array') return rest.split(',').map((v) => castEnvValue(key, v.trim()));
    try {
      return JSON.parse(rest);
    } catch {
      return rest;
    }
  }
  if (TEXT.test(key)) return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value !== '' && String(Number(value)) === value) return Number(value);
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      /* not JSON: text, or a list below */
    }
  }
  if (value.includes(',')) return value.split(',').map((v) => castEnvValue(key, v.trim()));
  return value;
}

/** The environment as Directus gives it to extensions: cast, over its defaults, frozen. */
export function directusEnv(raw: Record<string, string>, cwd = process.cwd()): Readonly<Record<string, unknown>> {
  const env: Record<string, unknown> = defaults(cwd);
  for (const [key, value] of Object.entries(raw)) env[key] = castEnvValue(key, value);
  return Object.freeze(env);
}

/** Flows' `$env`: the variables `FLOWS_ENV_ALLOW_LIST` names (a comma-separated list), as Directus exposes them. */
export function flowsEnv(env: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const allowed = env.FLOWS_ENV_ALLOW_LIST;
  const names = Array.isArray(allowed) ? allowed.map(String) : typeof allowed === 'string' && allowed ? [allowed] : [];
  return Object.fromEntries(names.filter((n) => Object.hasOwn(env, n)).map((n) => [n, env[n]]));
}

const built = new WeakMap<object, Readonly<Record<string, unknown>>>();

/** A host's extension environment, made once from its configuration's variables. */
export function extensionEnvOf(config: { env: Record<string, string> }): Readonly<Record<string, unknown>> {
  let env = built.get(config);
  if (!env) built.set(config, (env = directusEnv(config.env)));
  return env;
}
