/**
 * A request of a page anyone may open (a mailed link's, a share's): sent without the session,
 * since the link is about its own token, not whoever is signed in here; `token` is the page's own
 * (a share's visitor). Resolves to the answer's `data`; a refusal is an Error with Directus's code.
 */
export async function publicRequest(path, { method = 'GET', body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (res.ok) return json?.data;
  const first = json?.errors?.[0];
  const error = new Error(first?.message ?? `Request failed with status ${res.status}`);
  error.code = first?.extensions?.code;
  throw error;
}

/** POST of a public page (password reset, invitation). */
export const publicPost = (path, body) => publicRequest(path, { method: 'POST', body });
