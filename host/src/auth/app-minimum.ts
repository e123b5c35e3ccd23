import type { Action, GrantRow } from './permissions.js';

/**
 * What every role with app access may do whatever its permission rows say (Directus's "app access
 * minimal permissions"), as grant rows: reading their own profile and role, their own notifications
 * (and archiving them), and their own presets and reading the role's and everyone's.
 */
const OWN = { user: { _eq: '$CURRENT_USER' } };
/** What a user may read and change of their own profile (Directus's minimal permissions list the same). */
const PROFILE = [
  'first_name',
  'last_name',
  'theme',
  'avatar',
  'language',
  'title',
  'description',
  'location',
  'tags',
  'email_notifications',
];
const APP_MINIMUM: Record<string, Partial<Record<Action, GrantRow>>> = {
  // The user's own role (`/users/me?fields=role.name`), as Directus's minimal permissions allow.
  directus_roles: {
    read: {
      filter: { id: { _eq: '$CURRENT_ROLE' } },
      fields: ['id', 'name', 'icon', 'description', 'admin_access', 'app_access'],
    },
  },
  // Custom translations, which the app shows wherever a `$t:<key>` string is.
  directus_translations: { read: { filter: null, fields: '*' } },
  // A user's own profile (Directus lists the same kind of fields; a project's own user fields need a row of the role).
  directus_users: {
    read: {
      filter: { id: { _eq: '$CURRENT_USER' } },
      fields: ['id', ...PROFILE, 'email', 'role', 'status', 'last_access'],
    },
    // Their own profile and password (not their email, role or status: an administrator's).
    update: { filter: { id: { _eq: '$CURRENT_USER' } }, fields: [...PROFILE, 'password'] },
  },
  // Their own notifications (the app's inbox), archived or moved back by their status alone.
  directus_notifications: {
    read: { filter: { recipient: { _eq: '$CURRENT_USER' } }, fields: '*' },
    update: { filter: { recipient: { _eq: '$CURRENT_USER' } }, fields: ['status'] },
  },
  directus_presets: {
    read: {
      filter: {
        _or: [
          OWN,
          { _and: [{ user: { _null: true } }, { role: { _eq: '$CURRENT_ROLE' } }] },
          { _and: [{ user: { _null: true } }, { role: { _null: true } }] },
        ],
      },
      fields: '*',
    },
    create: { filter: null, fields: '*', validation: OWN, presets: { user: '$CURRENT_USER' } },
    update: { filter: OWN, fields: '*', validation: OWN },
    delete: { filter: OWN, fields: '*' },
  },
};

/** The built-in row for an app user's action on a collection, or undefined. */
export function appMinimumRow(collection: string, action: Action): GrantRow | undefined {
  return Object.hasOwn(APP_MINIMUM, collection) ? APP_MINIMUM[collection]![action] : undefined;
}

/** Every built-in (collection, action) pair, for `/permissions/me`. */
export function appMinimumActions(): { collection: string; action: Action }[] {
  return Object.entries(APP_MINIMUM).flatMap(([collection, actions]) =>
    Object.keys(actions).map((action) => ({ collection, action: action as Action })),
  );
}
