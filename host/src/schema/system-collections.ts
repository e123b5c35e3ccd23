import type { CollectionOverview, FieldOverview, FieldType } from './types.js';

function f(field: string, type: FieldType, extra: Partial<FieldOverview> = {}): FieldOverview {
  return {
    field,
    type,
    defaultValue: null,
    nullable: true,
    generated: false,
    primary: false,
    unique: false,
    special: [],
    interface: null,
    options: null,
    display: null,
    displayOptions: null,
    note: null,
    hidden: false,
    readonly: false,
    required: false,
    sort: null,
    validation: null,
    validationMessage: null,
    relatedCollection: null,
    ...extra,
  };
}

function c(
  collection: string,
  primary: string,
  fields: FieldOverview[],
  options: { singleton?: boolean } = {},
): CollectionOverview {
  return {
    collection,
    primary,
    singleton: options.singleton === true,
    note: null,
    icon: null,
    hidden: true,
    system: true,
    sortField: null,
    displayTemplate: null,
    versioning: false,
    archiveField: null,
    archiveValue: null,
    unarchiveValue: null,
    archiveAppFilter: true,
    accountability: 'all',
    fields: Object.assign(Object.create(null), Object.fromEntries(fields.map((x) => [x.field, x]))),
  };
}

const uuidPk = f('id', 'uuid', { primary: true, nullable: false, special: ['uuid'] });
const intPk = f('id', 'integer', { primary: true, nullable: false, generated: true });

/** System collections reachable through ItemsService (Directus names). Passwords/tokens are `hash`/concealed. */
export const SYSTEM_COLLECTIONS: CollectionOverview[] = [
  c('directus_roles', 'id', [
    uuidPk,
    f('name', 'string', { nullable: false }),
    f('icon', 'string'),
    f('description', 'text'),
    f('admin_access', 'boolean'),
    f('app_access', 'boolean'),
    f('enforce_tfa', 'boolean'),
  ]),
  c('directus_users', 'id', [
    uuidPk,
    f('first_name', 'string'),
    f('last_name', 'string'),
    f('email', 'string', { unique: true }),
    f('password', 'hash', { special: ['hash', 'conceal'] }),
    f('role', 'uuid', { relatedCollection: 'directus_roles' }),
    f('status', 'string'),
    f('token', 'hash', { special: ['conceal'], interface: 'system-token' }),
    f('theme', 'string'),
    f('last_access', 'timestamp'),
    // Set through /users/me/tfa/enable only; read as concealed (set) or null.
    f('tfa_secret', 'string', { special: ['conceal'], hidden: true }),
  ]),
  c('directus_permissions', 'id', [
    intPk,
    f('role', 'uuid'),
    f('collection', 'string'),
    f('action', 'string'),
    f('permissions', 'json'),
    f('validation', 'json'),
    f('presets', 'json'),
    f('fields', 'csv'),
  ]),
  c('directus_flows', 'id', [
    uuidPk,
    f('name', 'string'),
    f('icon', 'string'),
    f('color', 'string'),
    f('description', 'text'),
    f('status', 'string'),
    f('trigger', 'string'),
    f('accountability', 'string'),
    f('options', 'json'),
    f('operation', 'uuid'),
    f('date_created', 'timestamp', { special: ['date-created'] }),
    f('user_created', 'uuid', { special: ['user-created'] }),
    // Directus's alias: a flow and its operations are saved in one PATCH (nested create/update/delete), one transaction.
    f('operations', 'alias', {
      special: ['o2m'],
      relatedCollection: 'directus_operations',
      options: { field: 'flow', one_deselect_action: 'delete' },
    }),
  ]),
  c('directus_operations', 'id', [
    uuidPk,
    f('name', 'string'),
    f('key', 'string'),
    f('type', 'string'),
    f('position_x', 'integer'),
    f('position_y', 'integer'),
    f('options', 'json'),
    f('resolve', 'uuid'),
    f('reject', 'uuid'),
    f('flow', 'uuid', { relatedCollection: 'directus_flows' }),
    f('date_created', 'timestamp', { special: ['date-created'] }),
  ]),
  c('directus_dashboards', 'id', [
    uuidPk,
    f('name', 'string'),
    f('icon', 'string'),
    f('note', 'text'),
    f('date_created', 'timestamp', { special: ['date-created'] }),
  ]),
  c('directus_panels', 'id', [
    uuidPk,
    f('dashboard', 'uuid'),
    f('name', 'string'),
    f('type', 'string'),
    f('position_x', 'integer'),
    f('position_y', 'integer'),
    f('width', 'integer'),
    f('height', 'integer'),
    f('options', 'json'),
    f('date_created', 'timestamp', { special: ['date-created'] }),
  ]),
  c('directus_notifications', 'id', [
    intPk,
    f('timestamp', 'timestamp', { special: ['date-created'] }),
    f('status', 'string'),
    f('recipient', 'uuid'),
    f('sender', 'uuid'),
    f('subject', 'string'),
    f('message', 'text'),
    f('collection', 'string'),
    f('item', 'string'),
  ]),
  c('directus_activity', 'id', [
    intPk,
    f('action', 'string'),
    f('user', 'uuid', { relatedCollection: 'directus_users' }),
    f('timestamp', 'timestamp'),
    f('ip', 'string'),
    f('user_agent', 'text'),
    f('collection', 'string'),
    f('item', 'string'),
    f('origin', 'string'),
    f('comment', 'text'),
    f('details', 'json'),
  ]),
  c('directus_revisions', 'id', [
    intPk,
    f('activity', 'integer', { relatedCollection: 'directus_activity' }),
    f('collection', 'string'),
    f('item', 'string'),
    f('data', 'json'),
    f('delta', 'json'),
    f('parent', 'integer'),
    f('version', 'uuid'),
  ]),
  c('directus_files', 'id', [
    uuidPk,
    f('storage', 'string', { readonly: true }),
    f('filename_disk', 'string', { readonly: true }),
    f('filename_download', 'string'),
    f('title', 'string'),
    f('type', 'string'),
    f('filesize', 'bigInteger', { readonly: true }),
    f('uploaded_by', 'uuid', { relatedCollection: 'directus_users', readonly: true }),
    f('uploaded_on', 'timestamp', { readonly: true }),
    f('description', 'text'),
    f('folder', 'uuid', { relatedCollection: 'directus_folders' }),
    f('width', 'integer', { readonly: true }),
    f('height', 'integer', { readonly: true }),
  ]),
  c('directus_presets', 'id', [
    intPk,
    f('bookmark', 'string'),
    f('user', 'uuid', { relatedCollection: 'directus_users' }),
    f('role', 'uuid', { relatedCollection: 'directus_roles' }),
    f('collection', 'string'),
    f('search', 'string'),
    f('layout', 'string'),
    f('layout_query', 'json'),
    f('layout_options', 'json'),
    f('refresh_interval', 'integer'),
    f('filter', 'json'),
    f('icon', 'string'),
    f('color', 'string'),
  ]),
  c('directus_translations', 'id', [
    uuidPk,
    f('language', 'string', { required: true }),
    f('key', 'string', { required: true }),
    f('value', 'text', { required: true }),
  ]),
  c('directus_comments', 'id', [
    uuidPk,
    f('collection', 'string', { required: true }),
    f('item', 'string', { required: true }),
    f('comment', 'text', { required: true }),
    f('date_created', 'timestamp', { special: ['date-created'] }),
    f('date_updated', 'timestamp', { special: ['date-updated'] }),
    f('user_created', 'uuid', { special: ['user-created'], relatedCollection: 'directus_users' }),
    f('user_updated', 'uuid', { special: ['user-updated'], relatedCollection: 'directus_users' }),
  ]),
  c('directus_versions', 'id', [
    uuidPk,
    f('key', 'string', { required: true }),
    f('name', 'string'),
    f('collection', 'string', { required: true }),
    f('item', 'string', { required: true }),
    f('hash', 'string'),
    f('delta', 'json'),
    f('date_created', 'timestamp', { special: ['date-created'] }),
    f('date_updated', 'timestamp', { special: ['date-updated'] }),
    f('user_created', 'uuid', { special: ['user-created'], relatedCollection: 'directus_users' }),
    f('user_updated', 'uuid', { special: ['user-updated'], relatedCollection: 'directus_users' }),
  ]),
  c('directus_shares', 'id', [
    uuidPk,
    f('name', 'string'),
    f('collection', 'string', { required: true }),
    f('item', 'string', { required: true }),
    f('role', 'uuid', { relatedCollection: 'directus_roles' }),
    f('password', 'hash', { special: ['hash', 'conceal'] }),
    f('user_created', 'uuid', { special: ['user-created'], relatedCollection: 'directus_users' }),
    f('date_created', 'timestamp', { special: ['date-created'] }),
    f('date_start', 'timestamp'),
    f('date_end', 'timestamp'),
    f('times_used', 'integer'),
    f('max_uses', 'integer'),
  ]),
  c('directus_folders', 'id', [
    uuidPk,
    f('name', 'string', { nullable: false }),
    f('parent', 'uuid', { relatedCollection: 'directus_folders' }),
  ]),
  c(
    'directus_settings',
    'id',
    [
      intPk,
      f('project_name', 'string'),
      f('default_theme_light', 'string'),
      f('default_theme_dark', 'string'),
      f('default_appearance', 'string'),
    ],
    { singleton: true },
  ),
];

export { f as defineFieldOverview };

/**
 * The system collections a project may add its own fields to, as Directus allows (an avatar or a
 * phone number on users, a blurhash or a credit on files): the fields above stay the host's, and
 * a field added here is stored in directus_fields like any collection's.
 */
export const EXTENSIBLE_SYSTEM_COLLECTIONS: ReadonlySet<string> = new Set([
  'directus_users',
  'directus_files',
  'directus_roles',
  'directus_folders',
]);

const systemFieldNames = new Map(SYSTEM_COLLECTIONS.map((c) => [c.collection, new Set(Object.keys(c.fields))]));

/** Whether `field` is one of the host's own fields of system collection `collection`. */
export const isSystemField = (collection: string, field: string): boolean =>
  systemFieldNames.get(collection)?.has(field) ?? false;
