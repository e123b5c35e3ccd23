import type { Knex } from 'knex';

/** System-table migrations, in order. Names are permanent: never rename or reorder. */
const migrations: Record<string, { up(knex: Knex): Promise<void>; down(knex: Knex): Promise<void> }> = {
  '20261101A-core': {
    async up(knex) {
      await knex.schema.createTable('directus_roles', (t) => {
        t.uuid('id').primary();
        t.string('name', 100).notNullable();
        t.string('icon', 64).defaultTo('supervised_user_circle');
        t.text('description');
        t.boolean('admin_access').notNullable().defaultTo(false);
        t.boolean('app_access').notNullable().defaultTo(true);
      });
      await knex.schema.createTable('directus_users', (t) => {
        t.uuid('id').primary();
        t.string('first_name', 50);
        t.string('last_name', 50);
        t.string('email', 128).unique();
        t.string('password', 255);
        t.uuid('role').references('id').inTable('directus_roles').onDelete('SET NULL');
        t.string('status', 16).notNullable().defaultTo('active');
        t.string('token', 255).unique();
        t.string('theme', 64);
        t.timestamp('last_access');
      });
      await knex.schema.createTable('directus_permissions', (t) => {
        t.increments('id');
        t.uuid('role').references('id').inTable('directus_roles').onDelete('CASCADE');
        t.string('collection', 64).notNullable();
        t.string('action', 10).notNullable();
        t.text('permissions');
        t.text('validation');
        t.text('fields');
      });
      await knex.schema.createTable('directus_sessions', (t) => {
        t.string('token', 128).primary();
        t.uuid('user').references('id').inTable('directus_users').onDelete('CASCADE');
        t.timestamp('expires').notNullable();
        t.string('ip', 255);
      });
      await knex.schema.createTable('directus_collections', (t) => {
        t.string('collection', 64).primary();
        t.string('icon', 64);
        t.text('note');
        t.boolean('hidden').notNullable().defaultTo(false);
        t.boolean('singleton').notNullable().defaultTo(false);
        t.string('sort_field', 64);
        t.string('display_template', 255);
      });
      await knex.schema.createTable('directus_fields', (t) => {
        t.increments('id');
        t.string('collection', 64).notNullable();
        t.string('field', 64).notNullable();
        t.string('type', 32).notNullable();
        t.text('special');
        t.string('interface', 64);
        t.text('options');
        t.string('display', 64);
        t.text('display_options');
        t.boolean('readonly').notNullable().defaultTo(false);
        t.boolean('hidden').notNullable().defaultTo(false);
        t.boolean('required').notNullable().defaultTo(false);
        t.boolean('is_primary_key').notNullable().defaultTo(false);
        t.boolean('has_auto_increment').notNullable().defaultTo(false);
        t.boolean('is_nullable').notNullable().defaultTo(true);
        t.boolean('is_unique').notNullable().defaultTo(false);
        t.text('default_value');
        t.integer('sort');
        t.text('note');
        t.string('related_collection', 64);
        t.unique(['collection', 'field']);
      });
      await knex.schema.createTable('directus_extensions', (t) => {
        t.uuid('id').primary();
        t.boolean('enabled').notNullable().defaultTo(true);
        t.string('folder', 255).notNullable();
        t.string('source', 16).notNullable();
        t.uuid('bundle');
        // Annex columns
        t.string('name', 255);
        t.string('type', 16);
        t.string('version', 64);
        t.string('pinned_version', 64);
        t.string('state', 16);
        t.text('last_error');
        t.text('requested_scopes');
        t.text('granted_scopes');
        t.timestamp('updated_at');
      });
      await knex.schema.createTable('directus_flows', (t) => {
        t.uuid('id').primary();
        t.string('name', 255).notNullable();
        t.string('icon', 64);
        t.string('color', 32);
        t.text('description');
        t.string('status', 16).notNullable().defaultTo('active');
        t.string('trigger', 16);
        t.string('accountability', 16).defaultTo('all');
        t.text('options');
        t.uuid('operation');
        t.timestamp('date_created');
        t.uuid('user_created');
      });
      await knex.schema.createTable('directus_operations', (t) => {
        t.uuid('id').primary();
        t.string('name', 255);
        t.string('key', 255).notNullable();
        t.string('type', 255).notNullable();
        t.integer('position_x').notNullable().defaultTo(0);
        t.integer('position_y').notNullable().defaultTo(0);
        t.text('options');
        t.uuid('resolve');
        t.uuid('reject');
        t.uuid('flow').notNullable().references('id').inTable('directus_flows').onDelete('CASCADE');
        t.timestamp('date_created');
        t.unique(['flow', 'key']);
      });
      await knex.schema.createTable('annex_flow_runs', (t) => {
        t.increments('id');
        t.uuid('flow').notNullable();
        t.string('status', 16).notNullable();
        t.string('trigger', 16);
        t.timestamp('started').notNullable();
        t.timestamp('finished');
        t.text('steps');
        t.text('error');
      });
      await knex.schema.createTable('annex_extension_storage', (t) => {
        t.string('extension', 255).notNullable();
        t.string('key', 256).notNullable();
        t.text('value');
        t.primary(['extension', 'key']);
      });
      await knex.schema.createTable('annex_outbox', (t) => {
        t.increments('id');
        t.text('to').notNullable();
        t.string('subject', 255);
        t.text('body');
        t.timestamp('created').notNullable();
      });
      await knex.schema.createTable('directus_notifications', (t) => {
        t.increments('id');
        t.timestamp('timestamp');
        t.string('status', 16).defaultTo('inbox');
        t.uuid('recipient').notNullable();
        t.uuid('sender');
        t.string('subject', 255).notNullable();
        t.text('message');
        t.string('collection', 64);
        t.string('item', 255);
      });
      await knex.schema.createTable('directus_dashboards', (t) => {
        t.uuid('id').primary();
        t.string('name', 255).notNullable();
        t.string('icon', 64).defaultTo('dashboard');
        t.text('note');
        t.timestamp('date_created');
      });
      await knex.schema.createTable('directus_panels', (t) => {
        t.uuid('id').primary();
        t.uuid('dashboard').notNullable().references('id').inTable('directus_dashboards').onDelete('CASCADE');
        t.string('name', 255);
        t.string('type', 64).notNullable();
        t.integer('position_x').notNullable().defaultTo(1);
        t.integer('position_y').notNullable().defaultTo(1);
        t.integer('width').notNullable().defaultTo(6);
        t.integer('height').notNullable().defaultTo(6);
        t.text('options');
        t.timestamp('date_created');
      });
      await knex.schema.createTable('directus_settings', (t) => {
        t.increments('id');
        t.string('project_name', 100).defaultTo('Annex');
        t.string('default_theme_light', 64);
        t.string('default_theme_dark', 64);
        t.string('default_appearance', 16).defaultTo('auto');
      });
    },
    async down(knex) {
      for (const table of [
        'directus_settings',
        'directus_panels',
        'directus_dashboards',
        'directus_notifications',
        'annex_outbox',
        'annex_extension_storage',
        'annex_flow_runs',
        'directus_operations',
        'directus_flows',
        'directus_extensions',
        'directus_fields',
        'directus_collections',
        'directus_sessions',
        'directus_permissions',
        'directus_users',
        'directus_roles',
      ])
        await knex.schema.dropTableIfExists(table);
    },
  },
  '20261123A-registry-pending-version': {
    async up(knex) {
      // A marketplace update that asks for new scopes waits here until an admin grants them.
      await knex.schema.alterTable('directus_extensions', (t) => {
        t.string('pending_version', 64);
        t.text('pending_scopes');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_extensions', (t) => {
        t.dropColumn('pending_version');
        t.dropColumn('pending_scopes');
      });
    },
  },
  '20261127A-cluster': {
    async up(knex) {
      // Scale-out over one database: what every host should converge to, who ran a schedule tick, who is alive.
      await knex.schema.createTable('annex_cluster_state', (t) => {
        t.string('key', 128).primary();
        t.text('value').notNullable();
        t.string('updated_by', 64);
        t.timestamp('updated_at');
      });
      await knex.schema.createTable('annex_schedule_claims', (t) => {
        t.string('key', 255).notNullable();
        t.bigInteger('tick').notNullable();
        t.string('host', 64).notNullable();
        t.timestamp('claimed_at');
        t.primary(['key', 'tick']);
      });
      await knex.schema.createTable('annex_hosts', (t) => {
        t.string('id', 64).primary();
        t.string('hostname', 255);
        t.integer('pid');
        t.string('url', 255);
        t.timestamp('started_at');
        t.timestamp('seen_at');
        t.text('extensions');
      });
    },
    async down(knex) {
      for (const table of ['annex_hosts', 'annex_schedule_claims', 'annex_cluster_state'])
        await knex.schema.dropTableIfExists(table);
    },
  },
  '20261127B-activity': {
    async up(knex) {
      // Directus's activity log (who did what, from where); Annex adds `details` (JSON of what changed).
      await knex.schema.createTable('directus_activity', (t) => {
        t.increments('id');
        t.string('action', 45).notNullable();
        t.uuid('user');
        t.timestamp('timestamp').notNullable();
        t.string('ip', 50);
        t.text('user_agent');
        t.string('collection', 64).notNullable();
        t.string('item', 255);
        t.string('origin', 255);
        t.text('comment');
        t.text('details');
        t.index(['collection', 'item']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_activity');
    },
  },
  '20261127C-extension-roles': {
    async up(knex) {
      // Roles that may use an extension (JSON list of role ids and `$public`); null: everyone, as in Directus.
      await knex.schema.alterTable('directus_extensions', (t) => {
        t.text('allowed_roles');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_extensions', (t) => {
        t.dropColumn('allowed_roles');
      });
    },
  },
  '20261127D-outbox-delivery': {
    async up(knex) {
      // Every message goes through the outbox; with an SMTP transport the row records the delivery.
      await knex.schema.alterTable('annex_outbox', (t) => {
        t.string('sender', 255);
        t.string('status', 16).notNullable().defaultTo('outbox');
        t.string('message_id', 255);
        t.text('error');
        t.timestamp('sent_at');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('annex_outbox', (t) => {
        for (const c of ['sender', 'status', 'message_id', 'error', 'sent_at']) t.dropColumn(c);
      });
    },
  },
  '20261127E-extension-migrations': {
    async up(knex) {
      // Which of an extension's own migrations (annex.migrations) have run, and which attempt ran them.
      await knex.schema.createTable('annex_extension_migrations', (t) => {
        t.string('extension', 255).notNullable();
        t.string('name', 255).notNullable();
        t.timestamp('applied_at').notNullable();
        t.string('claimed_by', 64).notNullable();
        t.primary(['extension', 'name']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('annex_extension_migrations');
    },
  },
  '20261127F-revisions': {
    async up(knex) {
      // Directus's revisions: the item after each create/update (data) and what the change set (delta).
      await knex.schema.createTable('directus_revisions', (t) => {
        t.increments('id');
        t.integer('activity').notNullable().references('id').inTable('directus_activity').onDelete('CASCADE');
        t.string('collection', 64).notNullable();
        t.string('item', 255).notNullable();
        t.text('data');
        t.text('delta');
        t.integer('parent');
        t.uuid('version');
        t.index(['collection', 'item']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_revisions');
    },
  },
  '20261127G-files': {
    async up(knex) {
      // Directus's files: one row per upload; the bytes are in the storage location under filename_disk.
      await knex.schema.createTable('directus_files', (t) => {
        t.uuid('id').primary();
        t.string('storage', 255).notNullable();
        t.string('filename_disk', 255);
        t.string('filename_download', 255).notNullable();
        t.string('title', 255);
        t.string('type', 255);
        t.bigInteger('filesize').defaultTo(0);
        t.uuid('uploaded_by');
        t.timestamp('uploaded_on');
        t.text('description');
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_files');
    },
  },
  '20261127H-outbox-retries': {
    async up(knex) {
      // Mail the server could not take now is retried: the whole message, how often it was tried, when next, and since when a host is sending it.
      await knex.schema.alterTable('annex_outbox', (t) => {
        t.text('message');
        t.integer('attempts').notNullable().defaultTo(0);
        t.timestamp('next_attempt');
        t.timestamp('claimed_at');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('annex_outbox', (t) => {
        for (const c of ['message', 'attempts', 'next_attempt', 'claimed_at']) t.dropColumn(c);
      });
    },
  },
  '20261127I-field-validation': {
    async up(knex) {
      // Directus's field rules: a filter every write of the field must pass, and the message a failure shows.
      await knex.schema.alterTable('directus_fields', (t) => {
        t.text('validation');
        t.text('validation_message');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_fields', (t) => {
        t.dropColumn('validation');
        t.dropColumn('validation_message');
      });
    },
  },
  '20261127J-permission-presets': {
    async up(knex) {
      // Directus's field presets: values a create or update gets for the fields it leaves out.
      await knex.schema.alterTable('directus_permissions', (t) => t.text('presets'));
    },
    async down(knex) {
      await knex.schema.alterTable('directus_permissions', (t) => t.dropColumn('presets'));
    },
  },
  '20261127K-folders': {
    async up(knex) {
      // Directus's folders: a tree of names; a file sits in one folder or at the root (null).
      await knex.schema.createTable('directus_folders', (t) => {
        t.uuid('id').primary();
        t.string('name', 255).notNullable();
        t.uuid('parent');
      });
      await knex.schema.alterTable('directus_files', (t) => t.uuid('folder'));
    },
    async down(knex) {
      await knex.schema.alterTable('directus_files', (t) => t.dropColumn('folder'));
      await knex.schema.dropTableIfExists('directus_folders');
    },
  },
  '20261127L-login-failures': {
    async up(knex) {
      // Failed logins every host counts (hashed keys: no email or client address is stored).
      await knex.schema.createTable('annex_login_failures', (t) => {
        t.increments('id');
        t.string('key', 64).notNullable().index();
        t.bigInteger('at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('annex_login_failures');
    },
  },
  '20261127M-extension-quarantine': {
    async up(knex) {
      // A quarantine every host applies and a restart keeps, until an administrator lifts it.
      await knex.schema.alterTable('directus_extensions', (t) => t.text('quarantine'));
    },
    async down(knex) {
      await knex.schema.alterTable('directus_extensions', (t) => t.dropColumn('quarantine'));
    },
  },
  '20261205A-field-width': {
    async up(knex) {
      // Directus's form layout: how wide a field's interface is drawn ('half', 'half-left', 'half-right', 'full', 'fill').
      await knex.schema.alterTable('directus_fields', (t) => t.string('width', 16));
    },
    async down(knex) {
      await knex.schema.alterTable('directus_fields', (t) => t.dropColumn('width'));
    },
  },
  '20261205B-presets': {
    async up(knex) {
      // Directus's presets: a user's (or role's, or everyone's) layout, query and options per collection, and bookmarks.
      await knex.schema.createTable('directus_presets', (t) => {
        t.increments('id');
        t.string('bookmark', 255);
        t.uuid('user').references('id').inTable('directus_users').onDelete('CASCADE');
        t.uuid('role').references('id').inTable('directus_roles').onDelete('CASCADE');
        t.string('collection', 64);
        t.string('search', 100);
        t.string('layout', 100).defaultTo('tabular');
        t.text('layout_query');
        t.text('layout_options');
        t.integer('refresh_interval');
        t.text('filter');
        t.string('icon', 64).defaultTo('bookmark');
        t.string('color', 255);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_presets');
    },
  },
  '20261206A-field-groups': {
    async up(knex) {
      // Directus's form structure: the group field a field sits in, the conditions that change it by
      // the item's values, and its name per language.
      await knex.schema.alterTable('directus_fields', (t) => {
        t.string('group', 64);
        t.text('conditions');
        t.text('translations');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_fields', (t) => {
        for (const c of ['group', 'conditions', 'translations']) t.dropColumn(c);
      });
    },
  },
  '20261206B-file-dimensions': {
    async up(knex) {
      // Directus's image dimensions on directus_files, read from the image's header at upload.
      await knex.schema.alterTable('directus_files', (t) => {
        t.integer('width');
        t.integer('height');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_files', (t) => {
        t.dropColumn('width');
        t.dropColumn('height');
      });
    },
  },
  '20261206C-translations': {
    async up(knex) {
      // Directus's custom translations: `$t:<key>` strings in the app, per language.
      await knex.schema.createTable('directus_translations', (t) => {
        t.uuid('id').primary();
        t.string('language', 255).notNullable();
        t.string('key', 255).notNullable();
        t.text('value').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_translations');
    },
  },
  '20261206D-comments': {
    async up(knex) {
      // Directus's comments on items (its app's item sidebar), with who wrote and last changed them.
      await knex.schema.createTable('directus_comments', (t) => {
        t.uuid('id').primary();
        t.string('collection', 64).notNullable();
        t.string('item', 255).notNullable();
        t.text('comment').notNullable();
        t.timestamp('date_created');
        t.timestamp('date_updated');
        t.uuid('user_created').references('id').inTable('directus_users').onDelete('SET NULL');
        t.uuid('user_updated').references('id').inTable('directus_users').onDelete('SET NULL');
        t.index(['collection', 'item']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_comments');
    },
  },
  '20261206E-versions': {
    async up(knex) {
      // Directus's content versions: an item's unpublished changes (`delta`) under a key, promoted
      // onto the item when ready; `hash` is the item as it was when the version was made.
      await knex.schema.alterTable('directus_collections', (t) => {
        t.boolean('versioning').notNullable().defaultTo(false);
      });
      await knex.schema.createTable('directus_versions', (t) => {
        t.uuid('id').primary();
        t.string('key', 64).notNullable();
        t.string('name', 255);
        t.string('collection', 64).notNullable();
        t.string('item', 255).notNullable();
        t.string('hash', 255);
        t.text('delta');
        t.timestamp('date_created');
        t.timestamp('date_updated');
        t.uuid('user_created').references('id').inTable('directus_users').onDelete('SET NULL');
        t.uuid('user_updated').references('id').inTable('directus_users').onDelete('SET NULL');
        t.unique(['collection', 'item', 'key']);
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('directus_versions');
      await knex.schema.alterTable('directus_collections', (t) => t.dropColumn('versioning'));
    },
  },
  '20261206F-tfa': {
    async up(knex) {
      // Directus's two-factor authentication: a user's TOTP secret, and roles that require it.
      await knex.schema.alterTable('directus_users', (t) => {
        t.string('tfa_secret', 255);
      });
      await knex.schema.alterTable('directus_roles', (t) => {
        t.boolean('enforce_tfa').notNullable().defaultTo(false);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_users', (t) => t.dropColumn('tfa_secret'));
      await knex.schema.alterTable('directus_roles', (t) => t.dropColumn('enforce_tfa'));
    },
  },
  '20261206G-collection-meta': {
    async up(knex) {
      // Directus's collection settings: what is recorded (activity and revisions, activity only,
      // nothing), and the archive: a field, its archived and unarchived values, and whether the
      // app hides archived items.
      await knex.schema.alterTable('directus_collections', (t) => {
        t.string('accountability', 32).defaultTo('all');
        t.string('archive_field', 64);
        t.string('archive_value', 255);
        t.string('unarchive_value', 255);
        t.boolean('archive_app_filter').notNullable().defaultTo(true);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_collections', (t) => {
        for (const c of ['accountability', 'archive_field', 'archive_value', 'unarchive_value', 'archive_app_filter'])
          t.dropColumn(c);
      });
    },
  },
  '20261206H-shares': {
    async up(knex) {
      // Directus's shares: a link that lets anyone (with its password, within its dates and uses)
      // read one item as a role may; a visitor's session names its share instead of a user.
      await knex.schema.createTable('directus_shares', (t) => {
        t.uuid('id').primary();
        t.string('name', 255);
        t.string('collection', 64).notNullable();
        t.string('item', 255).notNullable();
        t.uuid('role').references('id').inTable('directus_roles').onDelete('CASCADE');
        t.string('password', 255);
        t.uuid('user_created').references('id').inTable('directus_users').onDelete('SET NULL');
        t.timestamp('date_created');
        t.timestamp('date_start');
        t.timestamp('date_end');
        t.integer('times_used').notNullable().defaultTo(0);
        t.integer('max_uses');
        t.index(['collection', 'item']);
      });
      await knex.schema.alterTable('directus_sessions', (t) => {
        t.uuid('share').references('id').inTable('directus_shares').onDelete('CASCADE');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_sessions', (t) => t.dropColumn('share'));
      await knex.schema.dropTableIfExists('directus_shares');
    },
  },
  '20261206I-tfa-steps': {
    async up(knex) {
      // The last step whose one-time password signed each user in, shared by a cluster's hosts: a
      // code is good once, whichever host it is shown to.
      await knex.schema.createTable('annex_tfa_steps', (t) => {
        t.string('user', 36).primary();
        t.bigInteger('step').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTableIfExists('annex_tfa_steps');
    },
  },
  '20261206J-user-profile': {
    async up(knex) {
      // The rest of Directus's user profile: what its app, its SDK and extensions read of a user.
      await knex.schema.alterTable('directus_users', (t) => {
        t.string('avatar', 36);
        t.string('language', 255);
        t.string('title', 50);
        t.text('description');
        t.string('location', 255);
        t.json('tags');
        t.boolean('email_notifications').defaultTo(true);
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_users', (t) => {
        for (const column of ['avatar', 'language', 'title', 'description', 'location', 'tags', 'email_notifications'])
          t.dropColumn(column);
      });
    },
  },
  '20261207A-asset-presets': {
    async up(knex) {
      // Directus's image transformation settings: which `/assets` transformations are allowed
      // (`all`, `presets`, `none`) and the project's named presets (`?key=`).
      await knex.schema.alterTable('directus_settings', (t) => {
        t.string('storage_asset_transform', 7).defaultTo('all');
        t.json('storage_asset_presets');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_settings', (t) => {
        t.dropColumn('storage_asset_transform');
        t.dropColumn('storage_asset_presets');
      });
    },
  },
  '20261207B-project-settings': {
    async up(knex) {
      // The rest of Directus's project settings its app and extensions read (`settingsStore.settings`).
      await knex.schema.alterTable('directus_settings', (t) => {
        t.string('project_url', 255);
        t.string('project_color', 255).defaultTo('#6644FF');
        t.string('project_logo', 36);
        t.string('project_descriptor', 100);
        t.string('default_language', 255).defaultTo('en-US');
        t.string('public_foreground', 36);
        t.string('public_background', 36);
        t.string('public_favicon', 36);
        t.text('public_note');
        t.text('custom_css');
        t.json('module_bar');
        t.string('storage_default_folder', 36);
        t.string('mapbox_key', 255);
        t.json('basemaps');
        t.json('custom_aspect_ratios');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_settings', (t) => {
        for (const column of PROJECT_SETTINGS) t.dropColumn(column);
      });
    },
  },
  '20261207C-panel-header': {
    async up(knex) {
      // Directus's panel header: whether it shows, and its icon, color and note.
      await knex.schema.alterTable('directus_panels', (t) => {
        t.boolean('show_header').notNullable().defaultTo(true);
        t.string('icon', 64);
        t.string('color', 10);
        t.text('note');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('directus_panels', (t) => {
        for (const column of ['show_header', 'icon', 'color', 'note']) t.dropColumn(column);
      });
    },
  },
  '20261207D-file-details': {
    async up(knex) {
      // The rest of Directus's file row: what extensions (EXIF readers, taggers, focal-point pickers)
      // write there. A project that already added one of these fields keeps its column.
      for (const [column, add] of FILE_DETAILS)
        if (!(await knex.schema.hasColumn('directus_files', column)))
          await knex.schema.alterTable('directus_files', (t) => add(t));
    },
    async down(knex) {
      await knex.schema.alterTable('directus_files', (t) => {
        for (const [column] of FILE_DETAILS) t.dropColumn(column);
      });
    },
  },
};

/** The columns `20261207D-file-details` adds, each with how. */
const FILE_DETAILS: [string, (t: Knex.AlterTableBuilder) => void][] = [
  ['tags', (t) => t.json('tags')],
  ['location', (t) => t.text('location')],
  ['metadata', (t) => t.json('metadata')],
  ['embed', (t) => t.string('embed', 200)],
  ['duration', (t) => t.integer('duration')],
  ['charset', (t) => t.string('charset', 50)],
  ['focal_point_x', (t) => t.integer('focal_point_x')],
  ['focal_point_y', (t) => t.integer('focal_point_y')],
  ['modified_by', (t) => t.string('modified_by', 36)],
  ['modified_on', (t) => t.timestamp('modified_on', { useTz: true })],
];

/** The columns `20261207B-project-settings` adds. */
const PROJECT_SETTINGS = [
  'project_url',
  'project_color',
  'project_logo',
  'project_descriptor',
  'default_language',
  'public_foreground',
  'public_background',
  'public_favicon',
  'public_note',
  'custom_css',
  'module_bar',
  'storage_default_folder',
  'mapbox_key',
  'basemaps',
  'custom_aspect_ratios',
];

const source: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

/** Brings the system tables up to date; safe to call on every boot (and concurrently in a cluster). */
/** True when every migration is recorded as run: one read, no lock table, no transaction. */
export async function schemaIsCurrent(knex: Knex): Promise<boolean> {
  let done: Set<string>;
  try {
    done = new Set((await knex('annex_migrations').select('name')).map((r: { name: string }) => r.name));
  } catch {
    return false; // a new database: no migrations table yet
  }
  return Object.keys(migrations).every((name) => done.has(name));
}

export async function migrate(knex: Knex): Promise<void> {
  // Fast path for the usual boot: knex's latest() costs about ten statements and a transaction even with nothing to run.
  if (await schemaIsCurrent(knex)) return;
  await knex.migrate.latest({ migrationSource: source, tableName: 'annex_migrations' });
}
