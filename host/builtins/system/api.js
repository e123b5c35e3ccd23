// @ts-check
import { asyncHandler, crudRoutes, errors, systemAccountability } from '@annex/host/builtins-support';

/** What `GET /users/me` answers without a `fields` query. */
const ME_FIELDS = ['id', 'first_name', 'last_name', 'email', 'role', 'status', 'theme'];

/** CRUD routes over one system collection, through the same ItemsService and permissions. */
function systemRoutes(collection, extra) {
  return (router, context) => {
    extra?.(router, context);
    crudRoutes(router, { collection, makeService: (c, options) => new context.services.ItemsService(c, options) });
  };
}

export const endpoints = [
  {
    name: 'users',
    config: systemRoutes('directus_users', (router, { services }) => {
      router.get(
        '/me',
        asyncHandler(async (req, res) => {
          if (!req.accountability?.user) throw errors.FORBIDDEN();
          // As Directus: the caller's own row through their permissions (an app user may read their
          // profile; a project's user fields need a row of their role), with the query's fields;
          // a caller who may read none of it gets their id.
          const asked = req.query?.fields !== undefined ? req.sanitizedQuery?.fields : undefined;
          let me;
          try {
            me = await new services.UsersService({ accountability: req.accountability }).readOne(
              req.accountability.user,
              {
                fields: asked ?? ME_FIELDS,
              },
            );
          } catch (err) {
            if (err?.code !== 'FORBIDDEN') throw err;
            me = { id: req.accountability.user };
          }
          res.json({
            data: asked ? me : { ...me, admin_access: req.accountability.admin, app_access: req.accountability.app },
          });
        }),
      );
      router.patch(
        '/me',
        asyncHandler(async (req, res) => {
          if (!req.accountability?.user) throw errors.FORBIDDEN();
          const allowed = ['first_name', 'last_name', 'theme', 'password'];
          const body = req.body ?? {};
          for (const k of Object.keys(body)) if (!allowed.includes(k)) throw errors.FORBIDDEN();
          // Past the permission check (a user edits their own profile), but logged as that user.
          const users = new services.UsersService({
            accountability: {
              ...systemAccountability('users/me'),
              user: req.accountability.user,
              ip: req.accountability.ip,
            },
          });
          await users.updateOne(req.accountability.user, body);
          res.json({
            data: await users.readOne(req.accountability.user, {
              fields: ['id', 'first_name', 'last_name', 'email', 'role', 'theme'],
            }),
          });
        }),
      );
    }),
  },
  { name: 'roles', config: systemRoutes('directus_roles') },
  { name: 'folders', config: systemRoutes('directus_folders') },
  {
    name: 'permissions',
    config: (router, context) => {
      router.get(
        '/me',
        asyncHandler(async (req, res) => res.json({ data: await context.kernel.permissions.list(req.accountability) })),
      );
      crudRoutes(router, {
        collection: 'directus_permissions',
        makeService: (c, options) => new context.services.ItemsService(c, options),
      });
    },
  },
  { name: 'dashboards', config: systemRoutes('directus_dashboards') },
  { name: 'panels', config: systemRoutes('directus_panels') },
  { name: 'notifications', config: systemRoutes('directus_notifications') },
  { name: 'settings', config: systemRoutes('directus_settings') },
  // Layouts, queries and bookmarks per user (every app user has their own, see host/src/auth/app-minimum.ts).
  { name: 'presets', config: systemRoutes('directus_presets') },
  {
    name: 'utils',
    // Directus's manual sort: POST /utils/sort/:collection { item, to } (the app's drag-and-drop order).
    config: (router, { services }) => {
      router.post(
        '/sort/:collection',
        asyncHandler(async (req, res) => {
          if (!req.accountability) throw errors.FORBIDDEN();
          await new services.UtilsService({ accountability: req.accountability }).sort(req.params.collection, req.body);
          res.status(204).end();
        }),
      );
    },
  },
  {
    name: 'activity',
    // Append-only: the host writes it; reading needs admin or a read permission on directus_activity.
    config: (router, context) =>
      crudRoutes(router, {
        collection: 'directus_activity',
        readOnly: true,
        makeService: (c, options) => new context.services.ItemsService(c, options),
      }),
  },
  {
    name: 'revisions',
    config: (router, context) =>
      crudRoutes(router, {
        collection: 'directus_revisions',
        readOnly: true,
        makeService: (c, options) => new context.services.ItemsService(c, options),
      }),
  },
];
export const hooks = [];
export const operations = [];
