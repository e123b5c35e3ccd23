/** `data` of a GET, or `fallback` when the host has no such route or refuses it (a store stays usable). */
export async function loadList(api, url, params, fallback = []) {
  try {
    return (await api.get(url, params ? { params } : undefined)).data.data ?? fallback;
  } catch {
    return fallback;
  }
}
