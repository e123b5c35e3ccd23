const TOKEN = 'annex.access_token';
const REFRESH = 'annex.refresh_token';

/**
 * Directus's session cookie (`directus_session_token`), holding the current access token, so that
 * a same-origin `<img src="/assets/<id>">`, `<audio>` or pdf.js request of an extension carries the
 * session, as in Directus's app. Sent with same-site requests only (SameSite=Strict), and accepted
 * by the host for GET and HEAD requests only, so it can start no change.
 */
function sessionCookie(token) {
  if (typeof document === 'undefined') return;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: one fixed cookie, its value URI-encoded; the Cookie Store API is not in every browser the app supports.
  document.cookie = token
    ? `directus_session_token=${encodeURIComponent(token)}; Path=/; SameSite=Strict${secure}`
    : `directus_session_token=; Path=/; Max-Age=0; SameSite=Strict${secure}`;
}

/** Query params the Directus way: objects (filter, deep…) as JSON, arrays comma-joined. */
function toQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null) continue;
    q.set(k, Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An error with axios's shape (`error.response.{status,data}`) and the Directus code on top. */
function httpError(status, data) {
  const first = data?.errors?.[0];
  const error = new Error(first?.message ?? `Request failed with status ${status}`);
  error.code = first?.extensions?.code;
  error.response = { status, data };
  return error;
}

/**
 * The app's HTTP client: an axios-like surface (what extensions expect from `useApi()`) over
 * fetch, with the access token attached and refreshed once when it expired.
 */
export function createApi({ onUnauthorized } = {}) {
  let refreshing = null;
  // A session kept from an earlier visit: its cookie again (a browser restart drops it).
  if (typeof localStorage !== 'undefined' && localStorage.getItem(TOKEN)) sessionCookie(localStorage.getItem(TOKEN));

  async function refresh() {
    const refresh_token = localStorage.getItem(REFRESH);
    if (!refresh_token) return false;
    refreshing ??= fetch('/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token }),
    })
      .then(async (res) => {
        if (!res.ok) return false;
        const { data } = await res.json();
        api.setTokens(data);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  async function send(method, url, { params, data, headers } = {}, retried = false) {
    const target = resolveUrl(url);
    const h = { ...headers };
    const token = localStorage.getItem(TOKEN);
    // The token goes to this host only, never to another origin an extension calls through the client.
    if (token && target.sameOrigin) h.Authorization = `Bearer ${token}`;
    // As axios: a form, file or URLSearchParams goes as it is (the browser sets its type and boundary), text of a
    // type the caller named too, anything else as JSON.
    const typed = Object.keys(h).some((k) => k.toLowerCase() === 'content-type');
    const raw =
      (typed && typeof data === 'string') ||
      (typeof FormData !== 'undefined' && data instanceof FormData) ||
      (typeof Blob !== 'undefined' && data instanceof Blob) ||
      data instanceof URLSearchParams ||
      data instanceof ArrayBuffer;
    if (data !== undefined && !raw && !typed) h['Content-Type'] = 'application/json';
    const res = await fetch(target.url + toQuery(params), {
      method,
      headers: h,
      body: data === undefined ? undefined : raw ? data : JSON.stringify(data),
    });
    const text = await res.text();
    let body = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {}
    if (res.status === 401 && !retried && target.sameOrigin && (await refresh()))
      return send(method, url, { params, data, headers }, true);
    if (res.status === 401 && target.sameOrigin) onUnauthorized?.();
    if (!res.ok) throw httpError(res.status, body);
    return { data: body, status: res.status, headers: res.headers };
  }

  // axios's interceptors: request ones rewrite the config, response ones see each answer or error.
  const interceptors = { request: createInterceptors(), response: createInterceptors() };
  async function request(method, url, config = {}) {
    let c = { ...config, method, url };
    for (const i of interceptors.request.list()) if (i.fulfilled) c = (await i.fulfilled(c)) ?? c;
    let outcome;
    try {
      outcome = { ok: true, value: await send(String(c.method ?? 'GET').toUpperCase(), c.url, c) };
    } catch (error) {
      outcome = { ok: false, value: error };
    }
    for (const i of interceptors.response.list()) {
      try {
        if (outcome.ok && i.fulfilled)
          outcome = { ok: true, value: (await i.fulfilled(outcome.value)) ?? outcome.value };
        else if (!outcome.ok && i.rejected) outcome = { ok: true, value: await i.rejected(outcome.value) };
      } catch (error) {
        outcome = { ok: false, value: error };
      }
    }
    if (!outcome.ok) throw outcome.value;
    return outcome.value;
  }

  /** axios's instance call: `api(config)` or `api(url, config)` (GET unless the config names a method). */
  const api = (urlOrConfig, config) =>
    typeof urlOrConfig === 'string'
      ? request(String(config?.method ?? 'GET').toUpperCase(), urlOrConfig, config)
      : request(String(urlOrConfig?.method ?? 'GET').toUpperCase(), urlOrConfig?.url, urlOrConfig);
  Object.assign(api, {
    interceptors,
    /** `request(method, url, config)`, or axios's `request({ method, url, params, data, headers })`. */
    request: (method, url, config) =>
      method && typeof method === 'object'
        ? request(String(method.method ?? 'GET').toUpperCase(), method.url, method)
        : request(method, url, config),
    /** Read by extensions that call fetch themselves with the app's credentials (axios's shape). */
    defaults: {
      baseURL: '/',
      headers: {
        common: {
          get Authorization() {
            const token = localStorage.getItem(TOKEN);
            return token ? `Bearer ${token}` : undefined;
          },
        },
      },
    },
    get: (url, config) => request('GET', url, config),
    head: (url, config) => request('HEAD', url, config),
    delete: (url, config) => request('DELETE', url, config),
    post: (url, data, config) => request('POST', url, { ...config, data }),
    patch: (url, data, config) => request('PATCH', url, { ...config, data }),
    put: (url, data, config) => request('PUT', url, { ...config, data }),
    token: () => localStorage.getItem(TOKEN),
    setTokens({ access_token, refresh_token }) {
      localStorage.setItem(TOKEN, access_token);
      if (refresh_token) localStorage.setItem(REFRESH, refresh_token);
      sessionCookie(access_token);
    },
    clearTokens() {
      localStorage.removeItem(TOKEN);
      localStorage.removeItem(REFRESH);
      sessionCookie(null);
    },
  });
  return api;
}

/**
 * Where a request goes: a path relative to the API root as axios's `baseURL: '/'` makes it
 * (`items/x` → `/items/x`, not relative to the page), and whether it stays on this origin.
 */
function resolveUrl(url) {
  const text = String(url ?? '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.startsWith('//')) {
    const origin = globalThis.location?.origin;
    return { url: text, sameOrigin: !!origin && new URL(text, origin).origin === origin };
  }
  return { url: text.startsWith('/') ? text : `/${text}`, sameOrigin: true };
}

/** axios's interceptor list: `use(fulfilled, rejected)` returns an id for `eject(id)`. */
function createInterceptors() {
  const handlers = new Map();
  let next = 0;
  return {
    use(fulfilled, rejected) {
      handlers.set(next, { fulfilled, rejected });
      return next++;
    },
    eject(id) {
      handlers.delete(id);
    },
    clear() {
      handlers.clear();
    },
    list: () => [...handlers.values()],
  };
}
