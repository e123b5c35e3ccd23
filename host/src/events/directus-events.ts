/*
 * Every event Directus emits to extensions, with the payload and meta keys Directus passes
 * (directus.io/docs/guides/extensions/api-extensions/hooks and the emit calls of api/src), in two
 * lists a test pins: EMITTED_EVENTS (this host emits each; a test per family receives it) and
 * NOT_EMITTED_EVENTS (Directus features this host does not have, each with the reason). A hook may
 * still register for the latter; nothing fires.
 */

export type DirectusEventKind = 'filter' | 'action' | 'init';

export interface DirectusEvent {
  name: string;
  kind: DirectusEventKind;
  /** What the first handler argument is (filters: the payload; actions/inits: the meta). */
  payload: string;
  /** Keys of `meta` (filters) or of the action/init argument. */
  meta: readonly string[];
  /** Whether this host emits it (false: listed in NOT_EMITTED_EVENTS, with the reason). */
  emitted: boolean;
}

export interface NotEmittedEvent extends DirectusEvent {
  emitted: false;
  /** The Directus feature this host does not have. */
  missing: string;
  /** What the host offers instead, for the docs. */
  instead: string;
}

const ev = (name: string, kind: DirectusEventKind, payload: string, meta: readonly string[]): DirectusEvent => ({
  name,
  kind,
  payload,
  meta,
  emitted: true,
});
type Feature = { missing: string; instead: string };
const missing = (
  feature: Feature,
  name: string,
  kind: DirectusEventKind,
  payload: string,
  meta: readonly string[],
): NotEmittedEvent => ({ name, kind, payload, meta, emitted: false, ...feature });

const SSO: Feature = {
  missing: 'external auth providers',
  instead:
    'users log in with email and password (auth.login) or a static token; no OpenID, OAuth 2.0, LDAP or SAML provider creates or updates users',
};

/** `<collection>.items.*` and `items.*` (user collections); `<system>.*` for directus_* collections. */
const ITEMS: DirectusEvent[] = [
  ev('items.query', 'filter', 'the items query', ['collection']),
  ev('items.read', 'filter', 'the read items', ['query', 'collection']),
  ev('items.create', 'filter', 'the new item', ['collection']),
  ev('items.update', 'filter', 'the updated fields', ['keys', 'collection']),
  ev('items.delete', 'filter', 'the keys of the items', ['collection']),
  ev('items.read', 'action', 'meta', ['payload', 'query', 'collection']),
  ev('items.create', 'action', 'meta', ['payload', 'key', 'collection']),
  ev('items.update', 'action', 'meta', ['payload', 'keys', 'collection']),
  ev('items.delete', 'action', 'meta', ['payload', 'keys', 'collection']),
  ev('items.sort', 'action', 'meta', ['collection', 'item', 'to']),
  // Content versions (`POST /versions/:id/promote`), also as `<collection>.items.promote`.
  ev('items.promote', 'filter', 'the changes promoted', ['collection', 'item', 'version']),
  ev('items.promote', 'action', 'meta', ['payload', 'collection', 'item', 'version']),
];

export const EMITTED_EVENTS: readonly DirectusEvent[] = Object.freeze([
  ...ITEMS,
  ev('request.not_found', 'filter', 'false (return true when the extension answered)', ['request', 'response']),
  ev('request.error', 'filter', 'the errors of the response', []),
  ev('database.error', 'filter', 'the database error', ['client']),
  ev('auth.login', 'filter', 'the login payload', ['status', 'user', 'provider']),
  ev('auth.jwt', 'filter', 'the token claims', ['status', 'user', 'provider', 'type']),
  ev('authenticate', 'filter', 'the default accountability', ['req']),
  ev('email.send', 'filter', 'the mail message', []),
  ev('auth.login', 'action', 'meta', ['payload', 'status', 'user', 'provider']),
  ev('files.upload', 'action', 'meta', ['payload', 'key', 'collection']),
  ev('response', 'action', 'meta', ['request', 'response', 'ip', 'duration', 'finished']),
  // The realtime API (WEBSOCKETS_ENABLED, the realtime built-in); `client` is the connection.
  ev('websocket.authenticate', 'filter', 'the accountability', ['message']),
  ev('websocket.message', 'filter', 'the message', ['client']),
  ev('websocket.connect', 'action', 'meta', ['client']),
  ev('websocket.message', 'action', 'meta', ['message', 'client']),
  ev('websocket.error', 'action', 'meta', ['client', 'event']),
  ev('websocket.close', 'action', 'meta', ['client', 'event']),
  ev('websocket.auth.success', 'action', 'meta', ['client']),
  ev('websocket.auth.failure', 'action', 'meta', ['client']),
  ev('server.start', 'action', 'meta', ['server']),
  ev('server.stop', 'action', 'meta', ['server']),
  ev('extensions.load', 'action', 'meta', ['extensions']),
  ev('extensions.unload', 'action', 'meta', ['extensions']),
  ev('extensions.reload', 'action', 'meta', ['extensions', 'added', 'removed']),
  ev('extensions.installed', 'action', 'meta', ['extensions', 'versionId']),
  ev('extensions.uninstalled', 'action', 'meta', ['extensions', 'folder']),
  ev('cli.before', 'init', 'meta', ['program']),
  ev('cli.after', 'init', 'meta', ['program']),
  ev('app.before', 'init', 'meta', ['app']),
  ev('app.after', 'init', 'meta', ['app']),
  ev('middlewares.before', 'init', 'meta', ['app']),
  ev('middlewares.after', 'init', 'meta', ['app']),
  ev('routes.before', 'init', 'meta', ['app']),
  ev('routes.after', 'init', 'meta', ['app']),
  ev('routes.custom.before', 'init', 'meta', ['app']),
  ev('routes.custom.after', 'init', 'meta', ['app']),
]);

/** Directus events this host has no source for, each with the feature it lacks. */
export const NOT_EMITTED_EVENTS: readonly NotEmittedEvent[] = Object.freeze([
  missing(SSO, 'auth.create', 'filter', 'the user an auth provider creates', [
    'identifier',
    'provider',
    'providerPayload',
  ]),
  missing(SSO, 'auth.update', 'filter', 'the user fields an auth provider updates', [
    'identifier',
    'provider',
    'providerPayload',
  ]),
]);

/** Every Directus event: the emitted ones, then those this host has no source for. */
export const DIRECTUS_EVENTS: readonly DirectusEvent[] = Object.freeze([...EMITTED_EVENTS, ...NOT_EMITTED_EVENTS]);

/** The Directus events of one kind, by name. */
export function getDirectusEvents(kind: DirectusEventKind): DirectusEvent[] {
  return DIRECTUS_EVENTS.filter((e) => e.kind === kind);
}
