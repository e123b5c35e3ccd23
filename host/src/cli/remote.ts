/** A running host the CLI talks to (`--url/--token` or ANNEX_URL/ANNEX_TOKEN). */
export interface Remote {
  url: string;
  token: string;
}

/** The running host named by `--url`/`--token` (or ANNEX_URL/ANNEX_TOKEN); undefined without both: the command works offline. */
export function remoteFrom(flags: Record<string, string | boolean>): Remote | undefined {
  const url = (typeof flags.url === 'string' && flags.url) || process.env.ANNEX_URL;
  const token = (typeof flags.token === 'string' && flags.token) || process.env.ANNEX_TOKEN;
  return url && token ? { url, token } : undefined;
}

/**
 * One JSON request to a running host: the whole response body (`{data, meta?}`), null for 204;
 * a Directus error becomes an Error carrying its code.
 */
export async function hostRequest(remote: Remote, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${remote.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { Authorization: `Bearer ${remote.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const json = (await res.json().catch(() => ({}))) as {
    data?: unknown;
    errors?: { message: string; extensions: { code: string } }[];
  };
  if (!res.ok) {
    const e = json.errors?.[0];
    // Only for an answer without a code: the HTTP layer is about 0.2 s of CPU to load for every command.
    const { codeOfStatus } = await import('../http/error-handler.js');
    throw Object.assign(new Error(e?.message ?? `HTTP ${res.status}`), {
      code: e?.extensions.code ?? codeOfStatus(res.status),
    });
  }
  return json;
}
