import { createDirectus, rest } from '@directus/sdk';

/**
 * The real `@directus/sdk` REST client against this host, as Directus's app provides it to
 * extensions (`useSdk()`): requests carry the app's current access token, and one answered 401
 * refreshes the token through the app's client and is sent again.
 */
export function createSdkClient(api, origin = globalThis.location?.origin ?? 'http://localhost') {
  const withToken = (init = {}) => {
    const headers = new Headers(init.headers ?? {});
    const token = api.token();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return { ...init, headers };
  };
  const authedFetch = async (input, init) => {
    const res = await fetch(input, withToken(init));
    if (res.status !== 401 || !api.token()) return res;
    // The app's client refreshes an expired access token on its own 401.
    await api.get('/users/me').catch(() => {});
    return fetch(input, withToken(init));
  };
  return createDirectus(origin, { globals: { fetch: authedFetch } }).with(rest());
}
