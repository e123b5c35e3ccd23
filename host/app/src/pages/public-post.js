/**
 * A request of a page anyone may open (a mailed link's): sent without the session, since the link
 * is about its own token, not whoever is signed in here; a refusal is an Error with Directus's code.
 */
export async function publicPost(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.ok) return;
  const first = (await res.json().catch(() => null))?.errors?.[0];
  const error = new Error(first?.message ?? `Request failed with status ${res.status}`);
  error.code = first?.extensions?.code;
  throw error;
}
