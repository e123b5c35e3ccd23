/*
 * Every event Directus emits to extensions, with the payload and meta keys Directus passes
 * (directus.io/docs/guides/extensions/api-extensions/hooks and the emit calls of api/src). A test
 * pins this list. `emitted: false` marks the events of features this host does not have; a hook
 * may still register for them (nothing fires).
 */

export type DirectusEventKind = 'filter' | 'action' | 'init';

export interface DirectusEvent {
  name: string;
  kind: DirectusEventKind;
  /** What the first handler argument is (filters: the payload; actions/inits: the meta). */
  payload: string;
  /** Keys of `meta` (filters) or of the action/init argument. */
  meta: readonly string[];
  /** False when this host has no source for the event (no SSO providers, websockets, versions). */
  emitted: boolean;
}

const ev = (name: string, kind: DirectusEventKind, payload: string, meta: readonly string[], emitted = true): DirectusEvent => ({ name, kind, payload, meta, emitted });

/** `<collection>.items.*` and `items.*` (user collections); `<system>.*` for directus_* collections. */
const ITEMS: DirectusEvent[] = [
  ev('items.query', 'filter', 'the items query', ['collection']),
  ev('items.read', 'filter', 'the read items', ['query', 'collection']),
  ev('items.create', 'filter', 'the new item', ['collection']),
  ev('items.update', 'filter', 'the updated fields', ['keys', 'collection']),
  ev('items.delete', 'filter', 'the keys of the items', ['collection']),
  ev('items.promote', 'filter', 'the promoted item', ['collection', 'item', 'version'], false),
  ev('items.read', 'action', 'meta', ['payload', 'query', 'collection']),
  ev('items.create', 'action', 'meta', ['payload', 'key', 'collection']),
  ev('items.update', 'action', 'meta', ['payload', 'keys', 'collection']),
  ev('items.delete', 'action', 'meta', ['payload', 'keys', 'collection']),
  ev('items.sort', 'action', 'meta', ['collection', 'item', 'to']),
  ev('items.promote', 'action', 'meta', ['payload', 'collection', 'item', 'version'], false),
];

export const DIRECTUS_EVENTS: readonly DirectusEvent[] = Object.freeze([
  ...ITEMS,
  ev('request.not_found', 'filter', 'false (return true when the extension answered)', ['request', 'response']),
  ev('request.error', 'filter', 'the errors of the response', []),
  ev('database.error', 'filter', 'the database error', ['client']),
  ev('auth.login', 'filter', 'the login payload', ['status', 'user', 'provider']),
  ev('auth.jwt', 'filter', 'the token claims', ['status', 'user', 'provider', 'type']),
  ev('auth.create', 'filter', 'the user an auth provider creates', ['identifier', 'provider', 'providerPayload'], false),
  ev('auth.update', 'filter', 'the user fields an auth provider updates', ['identifier', 'provider', 'providerPayload'], false),
  ev('authenticate', 'filter', 'the default accountability', ['req']),
  ev('email.send', 'filter', 'the mail message', []),
  ev('websocket.message', 'filter', 'the message', ['client'], false),
  ev('websocket.authenticate', 'filter', 'the accountability', ['message'], false),
  ev('auth.login', 'action', 'meta', ['payload', 'status', 'user', 'provider']),
  ev('files.upload', 'action', 'meta', ['payload', 'key', 'collection']),
  ev('response', 'action', 'meta', ['request', 'response', 'ip', 'duration', 'finished']),
  ev('server.start', 'action', 'meta', ['server']),
  ev('server.stop', 'action', 'meta', ['server']),
  ev('extensions.load', 'action', 'meta', ['extensions']),
  ev('extensions.unload', 'action', 'meta', ['extensions']),
  ev('extensions.reload', 'action', 'meta', ['extensions', 'added', 'removed']),
  ev('extensions.installed', 'action', 'meta', ['extensions', 'versionId']),
  ev('extensions.uninstalled', 'action', 'meta', ['extensions', 'folder']),
  ev('websocket.connect', 'action', 'meta', ['client'], false),
  ev('websocket.message', 'action', 'meta', ['message', 'client'], false),
  ev('websocket.error', 'action', 'meta', ['client', 'event'], false),
  ev('websocket.close', 'action', 'meta', ['client', 'event'], false),
  ev('websocket.auth.success', 'action', 'meta', ['client'], false),
  ev('websocket.auth.failure', 'action', 'meta', ['client'], false),
  ev('cli.before', 'init', 'meta', ['program'], false),
  ev('cli.after', 'init', 'meta', ['program'], false),
  ev('app.before', 'init', 'meta', ['app']),
  ev('app.after', 'init', 'meta', ['app']),
  ev('middlewares.before', 'init', 'meta', ['app']),
  ev('middlewares.after', 'init', 'meta', ['app']),
  ev('routes.before', 'init', 'meta', ['app']),
  ev('routes.after', 'init', 'meta', ['app']),
  ev('routes.custom.before', 'init', 'meta', ['app']),
  ev('routes.custom.after', 'init', 'meta', ['app']),
]);

/** The Directus events of one kind, by name. */
export function getDirectusEvents(kind: DirectusEventKind): DirectusEvent[] {
  return DIRECTUS_EVENTS.filter((e) => e.kind === kind);
}
