// @ts-check
import { createReadStream } from 'node:fs';
import {
  asyncHandler,
  crudRoutes,
  errors,
  exportFileName,
  exportToTempFile,
  isMailAddress,
  isUuid,
  parseCsv,
  qrCodeSvg,
  queryBatches,
  readFormFile,
  sanitizeQuery,
  restoreFormula,
  systemAccountability,
} from '@annex/host/builtins-support';
import { randomBytes } from 'node:crypto';

const EXPORT_FORMATS = ['csv', 'json', 'xml', 'yaml'];

/** How revisions show a concealed value (a password, a token): never a value to write back. */
const CONCEALED = '**********';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** `length` characters of a URL-safe alphabet from the system's random source (Directus uses nanoid's). */
function randomString(length) {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 63];
  return out;
}

/** Items read at a time by `/utils/export` (Directus's EXPORT_BATCH_SIZE, default 5000). */
function exportBatchSize(env) {
  const n = Number(env?.EXPORT_BATCH_SIZE ?? 5000);
  return Number.isInteger(n) && n > 0 ? n : 5000;
}

/** The largest file `POST /utils/import/:collection` reads. */
const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

/** A CSV cell as Directus's import reads it: JSON where it is JSON (not a bare number: the field's type casts those), else the text; empty is null. */
function csvValue(cell) {
  if (cell === '') return null;
  // An export wrote a formula-like text with a leading quote (spreadsheets must not run it).
  const text = restoreFormula(cell);
  try {
    const parsed = JSON.parse(text);
    if (typeof parsed !== 'number') return parsed;
  } catch {
    // plain text
  }
  return text;
}

/** A flat row (`author.name` columns, as exports write them) as nested objects. */
function unflatten(row) {
  const out = {};
  for (const [key, value] of Object.entries(row)) {
    const parts = key.split('.');
    if (parts.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype'))
      throw errors.INVALID_PAYLOAD({ reason: `The column "${key}" is not a field path.` });
    let at = out;
    for (const p of parts.slice(0, -1)) at = at[p] && typeof at[p] === 'object' ? at[p] : (at[p] = {});
    at[parts.at(-1)] = value;
  }
  return out;
}

/** The rows of an import file: a JSON array of objects, or CSV with a header row. */
function importRows(file) {
  const kind =
    /json/.test(file.type) || file.name.endsWith('.json')
      ? 'json'
      : /csv/.test(file.type) || file.name.endsWith('.csv')
        ? 'csv'
        : null;
  if (!kind)
    throw errors.UNSUPPORTED_MEDIA_TYPE({ reason: `Import a JSON or CSV file (got ${file.type || 'no type'}).` });
  let rows;
  try {
    rows =
      kind === 'json'
        ? JSON.parse(file.text)
        : parseCsv(file.text).map((r) =>
            unflatten(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvValue(v)]))),
          );
  } catch (err) {
    if (err?.code === 'INVALID_PAYLOAD') throw err;
    throw errors.INVALID_PAYLOAD({
      reason: `The ${kind.toUpperCase()} file could not be read: ${err instanceof Error ? err.message.split('\n')[0] : err}`,
    });
  }
  if (!Array.isArray(rows) || rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r)))
    throw errors.INVALID_PAYLOAD({ reason: 'The file must hold a list of items (objects).' });
  return rows;
}

/** What `GET /users/me` answers without a `fields` query. */
const ME_FIELDS = ['id', 'first_name', 'last_name', 'email', 'role', 'status', 'theme', 'avatar', 'language'];

/** The `fields` of the request's query, when it has one. */
const askedFields = (req) => (req.query?.fields !== undefined ? req.sanitizedQuery?.fields : undefined);

/**
 * The caller's own row as `users` may read it, with the query's fields (else ME_FIELDS); only
 * their id when they may read none of it, as Directus answers.
 */
async function readMe(users, req) {
  try {
    return await users.readOne(req.accountability.user, { fields: askedFields(req) ?? ME_FIELDS });
  } catch (err) {
    if (err?.code !== 'FORBIDDEN') throw err;
    return { id: req.accountability.user };
  }
}

const MENTION = /@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/**
 * Notifies each user a comment mentions (`@<user id>`, not its author) who may read the item it is
 * on, as Directus does; a mention of anyone else is left as text.
 */
async function notifyMentions({ services, kernel }, schema, author, { collection, item, comment }) {
  const mentioned = [...new Set([...comment.matchAll(MENTION)].map((m) => m[1].toLowerCase()))].filter(
    (id) => id !== author.user,
  );
  if (!mentioned.length) return;
  const notifications = new services.ItemsService('directus_notifications', {
    accountability: systemAccountability('comments'),
    schema,
  });
  for (const user of mentioned) {
    // Each mentioned user as their own requests would be: an active user with their role's flags.
    const accountability = await kernel.auth.accountabilityOf(user);
    if (!accountability) continue;
    try {
      await new services.ItemsService(collection, { accountability, schema }).readOne(item, { fields: ['*'] });
    } catch {
      continue;
    }
    await notifications.createOne({
      recipient: accountability.user,
      sender: author.user,
      status: 'inbox',
      subject: `You were mentioned in ${collection}`,
      message: comment,
      collection,
      item,
    });
  }
}

/** CRUD routes over one system collection, through the same ItemsService and permissions. */
/** The signed-in user the request acts for; FORBIDDEN without one (the public, a share's visitor). */
function signedInUser(req) {
  if (!req.accountability?.user) throw errors.FORBIDDEN();
  return req.accountability.user;
}

function systemRoutes(collection, extra) {
  return (router, context) => {
    extra?.(router, context);
    crudRoutes(router, { collection, makeService: (c, options) => new context.services.ItemsService(c, options) });
  };
}

export const endpoints = [
  {
    name: 'users',
    config: systemRoutes('directus_users', (router, { services, kernel }) => {
      // Directus's invitations: `invited` users mailed a link to choose their password.
      router.post(
        '/invite',
        asyncHandler(async (req, res) => {
          const body = req.body ?? {};
          await kernel.accountLinks.invite(body.email, body.role, body.invite_url, req.accountability);
          res.status(204).end();
        }),
      );
      router.post(
        '/invite/accept',
        asyncHandler(async (req, res) => {
          await kernel.accountLinks.acceptInvite(req.body?.token, req.body?.password);
          res.status(204).end();
        }),
      );
      // Directus's two-factor authentication of one's own account (the secret is never read back).
      router.post(
        '/me/tfa/generate',
        asyncHandler(async (req, res) => {
          const user = signedInUser(req);
          const settings = new services.SettingsService({ accountability: systemAccountability('tfa') });
          const [row] = await settings.readByQuery({ fields: ['project_name'], limit: 1 });
          const issuer = row?.project_name || 'Annex';
          const made = await kernel.auth.tfa.generate(user, req.body?.password, issuer);
          // An Annex extra beside Directus's two keys: the address as a QR code (SVG) for the app to show.
          res.json({ data: { ...made, qr_svg: await qrCodeSvg(made.otpauth_url) } });
        }),
      );
      router.post(
        '/me/tfa/enable',
        asyncHandler(async (req, res) => {
          await kernel.auth.tfa.enable(signedInUser(req), req.body?.secret, req.body?.otp);
          res.status(204).end();
        }),
      );
      router.post(
        '/me/tfa/disable',
        asyncHandler(async (req, res) => {
          await kernel.auth.tfa.disable(signedInUser(req), req.body?.otp);
          res.status(204).end();
        }),
      );
      router.get(
        '/me',
        asyncHandler(async (req, res) => {
          signedInUser(req);
          // As Directus: the caller's own row through their permissions (an app user may read their
          // profile; a project's user fields need a row of their role), with the query's fields;
          // a caller who may read none of it gets their id.
          const asked = askedFields(req);
          const me = await readMe(new services.UsersService({ accountability: req.accountability }), req);
          res.json({
            data: asked ? me : { ...me, admin_access: req.accountability.admin, app_access: req.accountability.app },
          });
        }),
      );
      router.patch(
        '/me',
        asyncHandler(async (req, res) => {
          signedInUser(req);
          const body = req.body;
          if (!body || typeof body !== 'object' || Array.isArray(body))
            throw errors.INVALID_PAYLOAD({ reason: 'The body must be an object of profile fields.' });
          // As Directus: through the caller's permissions (an app user may change their own name, theme
          // and password; a project's user fields with a row of their role), on record as `users/me`.
          const users = new services.UsersService({ accountability: { ...req.accountability, origin: 'users/me' } });
          await users.updateOne(req.accountability.user, body);
          res.json({ data: await readMe(users, req) });
        }),
      );
    }),
  },
  { name: 'roles', config: systemRoutes('directus_roles') },
  {
    name: 'comments',
    config: systemRoutes('directus_comments', (router, context) => {
      const { services } = context;
      // Directus's comments: on an item the caller may read; a user mentioned as `@<user id>` who
      // may read the item too is notified (directus_notifications).
      router.post(
        '/',
        asyncHandler(async (req, res) => {
          const body = req.body;
          if (!body || typeof body !== 'object' || Array.isArray(body))
            throw errors.INVALID_PAYLOAD({ reason: 'A comment is one object: {collection, item, comment}.' });
          const { collection, item, comment } = body;
          if (typeof collection !== 'string' || typeof comment !== 'string' || !comment.trim() || item === undefined)
            throw errors.INVALID_PAYLOAD({ reason: '"collection", "item" and a non-empty "comment" are required.' });
          const accountability = req.accountability;
          await new services.ItemsService(collection, { accountability, schema: req.schema }).readOne(item, {
            fields: ['*'],
          });
          const comments = new services.ItemsService('directus_comments', { accountability, schema: req.schema });
          const key = await comments.createOne({ collection, item: String(item), comment });
          await notifyMentions(context, req.schema, accountability, { collection, item: String(item), comment });
          res.json({ data: await comments.readOne(key, req.sanitizedQuery ?? {}) });
        }),
      );
    }),
  },
  { name: 'folders', config: systemRoutes('directus_folders') },
  {
    name: 'shares',
    // Directus's shares: a link to one item for anyone (with its password, within its dates and uses).
    config: systemRoutes('directus_shares', (router, { services, kernel, env }) => {
      const sharedUrl = (req, id) => {
        const base = (env?.PUBLIC_URL || `${req.protocol}://${req.get('host')}`).replace(/\/$/, '');
        return `${base}/admin/shared/${id}`;
      };
      router.post(
        '/auth',
        asyncHandler(async (req, res) => {
          res.json({ data: await kernel.auth.loginShare(req.body?.share, req.body?.password, req.ip) });
        }),
      );
      // What the share page shows before signing in: never the item; the password concealed (or null), as Directus's.
      router.get(
        '/info/:id',
        asyncHandler(async (req, res) => {
          const system = new services.ItemsService('directus_shares', {
            accountability: systemAccountability('shares'),
          });
          const [share] = isUuid(req.params.id)
            ? await system.readByQuery({
                filter: { id: { _eq: req.params.id } },
                fields: ['id', 'collection', 'item', 'password', 'max_uses', 'times_used', 'date_start', 'date_end'],
                limit: 1,
              })
            : [];
          if (!share) throw errors.FORBIDDEN();
          res.json({ data: share });
        }),
      );
      // Creating a share needs Directus's `share` permission on the collection and a readable item.
      router.post(
        '/',
        asyncHandler(async (req, res) => {
          const body = req.body;
          if (!body || typeof body !== 'object' || Array.isArray(body))
            throw errors.INVALID_PAYLOAD({ reason: 'A share is one object: {collection, item, …}.' });
          const { collection, item } = body;
          if (
            typeof collection !== 'string' ||
            collection.startsWith('directus_') ||
            item === undefined ||
            item === null
          )
            throw errors.INVALID_PAYLOAD({ reason: '"collection" (a user collection) and "item" are required.' });
          for (const k of ['times_used', 'user_created', 'date_created', 'id'])
            if (k in body) throw errors.INVALID_PAYLOAD({ reason: `"${k}" is set by the host.` });
          const accountability = req.accountability;
          if (!(await kernel.permissions.grant(accountability, collection, 'share'))) throw errors.FORBIDDEN();
          await new services.ItemsService(collection, { accountability, schema: req.schema }).readOne(item, {
            fields: ['*'],
          });
          const shares = new services.ItemsService('directus_shares', { accountability, schema: req.schema });
          const key = await shares.createOne({ ...body, item: String(item), times_used: 0 });
          res.json({ data: await shares.readOne(key, req.sanitizedQuery ?? {}) });
        }),
      );
      router.post(
        '/invite',
        asyncHandler(async (req, res) => {
          const { share, emails } = req.body ?? {};
          if (typeof share !== 'string' || !Array.isArray(emails) || emails.length === 0 || emails.length > 50)
            throw errors.INVALID_PAYLOAD({ reason: '"share" and one to fifty "emails" are required.' });
          // Whoever may read the share may send it.
          const row = await new services.ItemsService('directus_shares', {
            accountability: req.accountability,
            schema: req.schema,
          }).readOne(share, { fields: ['id', 'name'] });
          // Every address is checked before any is mailed: a bad one sends nothing.
          const bad = emails.find((to) => !isMailAddress(to));
          if (bad !== undefined) throw errors.INVALID_PAYLOAD({ reason: `"${String(bad)}" is not an email address.` });
          const mail = new services.MailService({});
          const link = sharedUrl(req, row.id);
          for (const to of emails) {
            await mail.send({
              to,
              subject: `An item was shared with you${row.name ? `: ${row.name}` : ''}`,
              text: `Open it here: ${link}`,
            });
          }
          res.status(204).end();
        }),
      );
    }),
  },
  {
    name: 'versions',
    // Directus's content versions: save changes aside, compare them with the item, promote them onto it.
    config: (router, { services }) => {
      const versions = (req) =>
        new services.VersionsService({ accountability: req.accountability, schema: req.schema });
      router.post(
        '/:id/save',
        asyncHandler(async (req, res) => res.json({ data: await versions(req).save(req.params.id, req.body) })),
      );
      router.get(
        '/:id/compare',
        asyncHandler(async (req, res) => res.json({ data: await versions(req).compare(req.params.id) })),
      );
      router.post(
        '/:id/promote',
        asyncHandler(async (req, res) =>
          res.json({ data: await versions(req).promote(req.params.id, req.body?.mainHash, req.body?.fields) }),
        ),
      );
      crudRoutes(router, {
        collection: 'directus_versions',
        makeService: (_c, options) => new services.VersionsService(options),
      });
    },
  },
  {
    name: 'permissions',
    config: (router, context) => {
      router.get(
        '/me',
        // Directus 11's shape: every collection the caller may see, each action's access.
        asyncHandler(async (req, res) => {
          const schema = await context.kernel.schema.get();
          const seen = req.accountability.admin
            ? Object.keys(schema.collections)
            : [...new Set((await context.kernel.permissions.list(req.accountability)).map((p) => p.collection))];
          res.json({ data: await context.kernel.permissions.access(req.accountability, seen) });
        }),
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
  // Custom translations: the app's `$t:<key>` strings per language (every app user reads them).
  { name: 'translations', config: systemRoutes('directus_translations') },
  {
    name: 'utils',
    // Directus's manual sort: POST /utils/sort/:collection { item, to } (the app's drag-and-drop order).
    config: (router, { services, database, kernel, logger, env }) => {
      // Directus's export to a file: the query's items written to a new file in the background, and the
      // caller notified (directus_notifications) when it is there, or why it is not. The query and the
      // caller's read permission are checked before the answer.
      router.post(
        '/export/:collection',
        asyncHandler(async (req, res) => {
          signedInUser(req);
          const { query, format, file } = req.body ?? {};
          if (!query || typeof query !== 'object' || Array.isArray(query))
            throw errors.INVALID_PAYLOAD({ reason: '"query" is required (an object).' });
          if (!EXPORT_FORMATS.includes(format))
            throw errors.INVALID_PAYLOAD({ reason: `"format" must be one of ${EXPORT_FORMATS.join(', ')}.` });
          const collection = req.params.collection;
          const q = sanitizeQuery(query);
          const accountability = req.accountability;
          const items = new services.ItemsService(collection, { accountability });
          await items.readByQuery({ ...q, limit: 1 });
          res.status(204).end();
          const notify = (subject, message, item) =>
            new services.NotificationsService().createOne({
              recipient: accountability.user,
              subject,
              message,
              ...(item ? { collection: 'directus_files', item } : {}),
            });
          let out;
          try {
            // A batch at a time into a temporary file (Directus's EXPORT_BATCH_SIZE), then into storage.
            out = await exportToTempFile(queryBatches(items, q, exportBatchSize(env)), format);
            const id = await new services.FilesService({ accountability }).uploadOne(createReadStream(out.file), {
              filename_download: exportFileName(collection, out.extension),
              type: out.type.split(';')[0],
              ...(typeof file?.title === 'string' ? { title: file.title } : {}),
              ...(typeof file?.folder === 'string' ? { folder: file.folder } : {}),
            });
            await notify(`Your export of ${collection} is ready`, `The file is in the file library: /files/${id}`, id);
          } catch (err) {
            logger.warn({ err, collection }, 'an export to a file failed');
            await notify(`Your export of ${collection} failed`, err instanceof Error ? err.message : String(err)).catch(
              () => {},
            );
          } finally {
            await out?.remove();
          }
        }),
      );
      // Directus's small utilities: a random string, hashing (the host's password hash), the caches.
      router.get(
        '/random/string',
        asyncHandler(async (req, res) => {
          const length = req.query.length === undefined ? 32 : Number(req.query.length);
          if (!Number.isInteger(length) || length < 1 || length > 500)
            throw errors.INVALID_QUERY({ reason: '"length" must be a whole number from 1 to 500.' });
          res.json({ data: randomString(length) });
        }),
      );
      router.post(
        '/hash/generate',
        asyncHandler(async (req, res) => {
          const text = req.body?.string;
          if (typeof text !== 'string' || !text) throw errors.INVALID_PAYLOAD({ reason: '"string" is required.' });
          res.json({ data: await kernel.passwords.hash(text) });
        }),
      );
      router.post(
        '/hash/verify',
        asyncHandler(async (req, res) => {
          const { string: text, hash } = req.body ?? {};
          if (typeof text !== 'string' || !text) throw errors.INVALID_PAYLOAD({ reason: '"string" is required.' });
          if (typeof hash !== 'string' || !hash) throw errors.INVALID_PAYLOAD({ reason: '"hash" is required.' });
          res.json({ data: await kernel.passwords.verify(text, hash) });
        }),
      );
      router.post(
        '/cache/clear',
        asyncHandler(async (req, res) => {
          if (req.accountability?.admin !== true) throw errors.FORBIDDEN();
          kernel.schema.invalidate();
          kernel.permissions.invalidate();
          res.status(204).end();
        }),
      );
      // Directus's revert: the item put back as a revision recorded it, through the caller's permissions
      // (reading the revision and updating the item). Concealed values (passwords) are not in revisions and stay.
      router.post(
        '/revert/:revision',
        asyncHandler(async (req, res) => {
          if (!req.accountability) throw errors.FORBIDDEN();
          const revision = await new services.ItemsService('directus_revisions', {
            accountability: req.accountability,
          }).readOne(req.params.revision, { fields: ['collection', 'item', 'data'] });
          const data = typeof revision.data === 'string' ? JSON.parse(revision.data) : revision.data;
          if (!data || typeof data !== 'object' || Array.isArray(data))
            throw errors.INVALID_PAYLOAD({ reason: 'The revision has no data to revert to.' });
          const values = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== CONCEALED));
          await new services.ItemsService(revision.collection, { accountability: req.accountability }).updateOne(
            revision.item,
            values,
          );
          res.status(204).end();
        }),
      );
      // Directus's import: a JSON or CSV file's rows created or updated (by primary key) in one
      // transaction, through the caller's permissions; a row that fails undoes the whole import.
      router.post(
        '/import/:collection',
        asyncHandler(async (req, res) => {
          if (!req.accountability) throw errors.FORBIDDEN();
          const rows = importRows(await readFormFile(req, IMPORT_MAX_BYTES));
          await database.transaction(async (trx) => {
            const items = new services.ItemsService(req.params.collection, {
              accountability: req.accountability,
              knex: trx,
            });
            for (const [i, row] of rows.entries()) {
              try {
                await items.upsertOne(row);
              } catch (err) {
                if (err?.code === 'FORBIDDEN' || err?.status >= 500 || typeof err?.code !== 'string') throw err;
                throw errors.INVALID_PAYLOAD({ reason: `Row ${i + 1}: ${err.message}` });
              }
            }
          });
          res.json({ data: { imported: rows.length } });
        }),
      );
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
