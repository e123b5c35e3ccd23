import { describe, expect, it, afterEach } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { readItems } from '@directus/sdk';
import * as sdk from '../../host/app/src/sdk/index.js';
import { createStores, DIRECTUS_STORES } from '../../host/app/src/stores/index.js';
import { formatTitle } from '../../host/app/src/stores/format-title.js';

/** `@directus/extensions-sdk` 18's package entry (dist/index.js): what extension chunks may import. */
const DIRECTUS_SDK_EXPORTS = [
  'useApi',
  'useSdk',
  'useCollection',
  'useExtensions',
  'useFilterFields',
  'useItems',
  'useLayout',
  'useStores',
  'useSync',
  'defineDisplay',
  'defineEndpoint',
  'defineHook',
  'defineInterface',
  'defineLayout',
  'defineModule',
  'defineOperationApi',
  'defineOperationApp',
  'definePanel',
  'defineTheme',
  'getFieldsFromTemplate',
  'getRelationType',
];
/** What Directus's app provides under STORES_INJECT (app/src/composables/use-system.ts, Directus 10 and 11 together). */
const DIRECTUS_STORE_NAMES = [
  'useAppStore',
  'useCollectionsStore',
  'useFieldsStore',
  'useFlowsStore',
  'useInsightsStore',
  'useLatencyStore',
  'useNotificationsStore',
  'usePermissionsStore',
  'usePresetsStore',
  'useRelationsStore',
  'useRequestsStore',
  'useServerStore',
  'useSettingsStore',
  'useTranslationsStore',
  'useUserStore',
];

type Routes = Record<string, unknown>;
/** The app's api client shape over a table of GET answers; unknown routes answer 404 like the host. */
function fakeApi(routes: Routes, token = 'tok') {
  const calls: { method: string; url: string; data?: unknown; params?: unknown }[] = [];
  const answer = (method: string, url: string, data?: unknown, params?: unknown) => {
    calls.push({ method, url, data, params });
    if (method === 'GET' && !(url in routes))
      return Promise.reject(Object.assign(new Error('not found'), { response: { status: 404 } }));
    return Promise.resolve({ data: { data: method === 'GET' ? routes[url] : data }, status: 200 });
  };
  return {
    calls,
    token: () => token,
    get: (url: string, config?: { params?: unknown }) => answer('GET', url, undefined, config?.params),
    post: (url: string, data: unknown) => answer('POST', url, data),
    patch: (url: string, data: unknown) => answer('PATCH', url, data),
    delete: (url: string) => answer('DELETE', url),
  };
}

describe('@directus/extensions-sdk in the browser (host/app/src/sdk)', () => {
  it("exports every name Directus's extensions-sdk exports, each a function", () => {
    for (const name of DIRECTUS_SDK_EXPORTS)
      expect(typeof (sdk as Record<string, unknown>)[name], name).toBe('function');
  });

  it('getFieldsFromTemplate lists the field paths of a template', () => {
    expect(sdk.getFieldsFromTemplate('{{ title }} by {{author.name}} ({{ id }})')).toEqual([
      'title',
      'author.name',
      'id',
    ]);
    expect(sdk.getFieldsFromTemplate('no fields')).toEqual([]);
    expect(sdk.getFieldsFromTemplate(null)).toEqual([]);
  });

  it("getRelationType tells m2o, o2m, m2a/a2o apart from one field's side", () => {
    const m2o = {
      collection: 'articles',
      field: 'author',
      related_collection: 'authors',
      meta: { one_field: 'articles' },
    };
    expect(sdk.getRelationType({ relation: m2o, collection: 'articles', field: 'author' })).toBe('m2o');
    expect(sdk.getRelationType({ relation: m2o, collection: 'authors', field: 'articles' })).toBe('o2m');
    expect(sdk.getRelationType({ relation: m2o, collection: 'authors', field: 'name' })).toBe(null);
    const any = {
      collection: 'blocks_junction',
      field: 'item',
      related_collection: null,
      meta: { one_collection_field: 'collection', one_allowed_collections: ['a', 'b'] },
    };
    expect(sdk.getRelationType({ relation: any, collection: 'blocks_junction', field: 'item' })).toBe('m2a');
    expect(sdk.getRelationType({ relation: any, collection: 'blocks_junction', field: 'item', useA2O: true })).toBe(
      'a2o',
    );
  });

  it('useFilterFields groups fields by predicate', async () => {
    const { ref } = await import('vue');
    const fields = ref([
      { field: 'a', type: 'string' },
      { field: 'b', type: 'integer' },
      { field: 'c', type: 'string' },
    ]);
    const { fieldGroups } = sdk.useFilterFields(fields, {
      text: (f: any) => f.type === 'string',
      numbers: (f: any) => f.type === 'integer',
    });
    expect(fieldGroups.value.text.map((f: any) => f.field)).toEqual(['a', 'c']);
    expect(fieldGroups.value.numbers.map((f: any) => f.field)).toEqual(['b']);
    fields.value = [...fields.value, { field: 'd', type: 'integer' }];
    expect(fieldGroups.value.numbers.map((f: any) => f.field)).toEqual(['b', 'd']);
  });

  describe('useSdk', () => {
    const realFetch = globalThis.fetch;
    afterEach(() => {
      globalThis.fetch = realFetch;
    });

    it("is the real @directus/sdk REST client, sending the app's token and retrying once after a refresh", async () => {
      const seen: { url: string; auth: string | null }[] = [];
      const answers = [401, 200];
      globalThis.fetch = (async (input: string, init: RequestInit) => {
        seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
        const status = answers.shift() ?? 200;
        return new Response(
          JSON.stringify(
            status === 200
              ? { data: [{ id: 1, title: 'Hello' }] }
              : { errors: [{ message: 'expired', extensions: { code: 'TOKEN_EXPIRED' } }] },
          ),
          { status, headers: { 'content-type': 'application/json' } },
        );
      }) as typeof fetch;
      let token = 'old-token';
      const api = {
        ...fakeApi({ '/users/me': { id: 'u' } }),
        token: () => token,
        get: async () => {
          token = 'new-token';
          return { data: { data: {} }, status: 200 };
        },
      };
      const client = sdk.createSdkClient(api, 'http://annex.test');
      const rows = await client.request(readItems('articles', { fields: ['id', 'title'], limit: 1 }));
      expect(rows).toEqual([{ id: 1, title: 'Hello' }]);
      expect(seen.map((s) => s.auth)).toEqual(['Bearer old-token', 'Bearer new-token']);
      expect(new URL(seen[0]!.url).pathname).toBe('/items/articles');
      expect(new URL(seen[0]!.url).searchParams.get('limit')).toBe('1');
    });
  });
});

it('formats collection and field keys into the names Directus shows', () => {
  expect(formatTitle('blog_posts')).toBe('Blog Posts');
  expect(formatTitle('userId')).toBe('User ID');
  expect(formatTitle('seo-meta_url')).toBe('SEO Meta URL');
});

describe('useStores(): the stores Directus exposes', () => {
  const routes: Routes = {
    '/users/me': { id: 'u1', email: 'ed@example.com', first_name: 'Ed', last_name: 'Itor', admin_access: false },
    '/server/info': { project: { project_name: 'Annex' } },
    '/collections': [
      { collection: 'articles', meta: {}, schema: { name: 'articles' } },
      { collection: 'directus_users', meta: {}, schema: { name: 'directus_users' } },
      { collection: 'hidden', meta: { hidden: true }, schema: { name: 'hidden' } },
      { collection: 'folder', meta: { translations: [{ language: 'en-US', translation: 'A Folder' }] }, schema: null },
    ],
    '/fields': [
      { collection: 'articles', field: 'title', type: 'string', meta: { sort: 2 } },
      { collection: 'articles', field: 'id', type: 'integer', schema: { is_primary_key: true }, meta: { sort: 1 } },
      { collection: 'articles', field: 'author', type: 'integer', meta: { sort: 3 } },
      { collection: 'authors', field: 'name', type: 'string', meta: {} },
    ],
    '/relations': [
      { collection: 'articles', field: 'author', related_collection: 'authors', meta: { one_field: null } },
    ],
    '/permissions/me': {
      articles: {
        create: { access: 'none' },
        read: { access: 'full', fields: ['*'] },
        update: { access: 'none' },
        delete: { access: 'none' },
        share: { access: 'none' },
      },
    },
    '/settings': { project_name: 'Annex' },
    '/flows': [
      { id: 'f1', trigger: 'manual', status: 'active', options: { collections: ['articles'] } },
      { id: 'f2', trigger: 'event', status: 'active', options: {} },
      { id: 'f3', trigger: 'manual', status: 'inactive', options: { collections: ['articles'] } },
    ],
    '/dashboards': [{ id: 'd1', name: 'Main' }],
    '/panels': [
      { id: 'p1', dashboard: 'd1' },
      { id: 'p2', dashboard: 'd2' },
    ],
    '/notifications': [{ id: 1 }, { id: 2 }],
  };

  async function hydrated(extra: Routes = {}) {
    setActivePinia(createPinia());
    const api = fakeApi({ ...routes, ...extra });
    const { stores, hydrate, dehydrate } = createStores(api);
    await hydrate();
    return { stores, api, dehydrate };
  }

  it('names every store Directus provides (and the list is the one Directus documents)', () => {
    expect([...DIRECTUS_STORES].sort()).toEqual([...DIRECTUS_STORE_NAMES].sort());
    setActivePinia(createPinia());
    const { stores } = createStores(fakeApi({}));
    for (const name of DIRECTUS_STORE_NAMES)
      expect(typeof (stores as Record<string, unknown>)[name], name).toBe('function');
    expect(typeof (stores as Record<string, unknown>).useExtensionsStore).toBe('function');
  });

  it('hydrates after login even where the host lacks a route (presets, translations stay empty)', async () => {
    const { stores } = await hydrated();
    expect(stores.useAppStore().hydrated).toBe(true);
    expect(stores.usePresetsStore().collectionPresets).toEqual([]);
    expect(stores.useTranslationsStore().translations).toEqual([]);
    expect(stores.useUserStore().fullName).toBe('Ed Itor');
    expect(stores.useServerStore().info.project.project_name).toBe('Annex');
  });

  it('collections, fields and relations answer the questions interfaces ask', async () => {
    const { stores } = await hydrated();
    expect(stores.useCollectionsStore().visibleCollections.map((c: any) => c.collection)).toEqual([
      'articles',
      'folder',
    ]);
    expect(stores.useCollectionsStore().getCollection('articles')).toMatchObject({
      collection: 'articles',
      name: 'Articles',
      icon: 'database',
      type: 'table',
    });
    // A folder (no table) is Directus's `alias` collection, named by its translation.
    expect(stores.useCollectionsStore().getCollection('folder')).toMatchObject({ type: 'alias', name: 'A Folder' });
    expect(stores.useFieldsStore().getField('articles', 'id')?.name).toBe('ID');
    const fields = stores.useFieldsStore();
    expect(fields.getFieldsForCollection('articles').map((f: any) => f.field)).toEqual(['id', 'title', 'author']);
    expect(fields.getFieldsForCollectionSorted('articles').map((f: any) => f.field)).toEqual(['id', 'title', 'author']);
    expect(fields.getPrimaryKeyFieldForCollection('articles')?.field).toBe('id');
    expect(fields.getField('articles', 'author.name')).toMatchObject({ collection: 'authors', field: 'name' });
    expect(fields.getRelationalField('articles', 'author.name')).toMatchObject({
      collection: 'authors',
      field: 'name',
    });
    expect(fields.parseField({ collection: 'x', field: 'date_created' }).name).toBe('Date Created');
    expect(
      stores.useCollectionsStore().prepareCollectionForApp({ collection: 'blog_posts', meta: { icon: 'article' } }),
    ).toMatchObject({ name: 'Blog Posts', icon: 'article' });
    const relations = stores.useRelationsStore();
    expect(relations.getRelationsForField('articles', 'author')).toHaveLength(1);
    expect(relations.getRelationForField('articles', 'author')?.related_collection).toBe('authors');
    expect(relations.getRelationsForCollection('authors')).toHaveLength(1);
  });

  it('permissions: a role sees its rows, an administrator everything', async () => {
    const { stores } = await hydrated();
    const perms = stores.usePermissionsStore();
    expect(perms.hasPermission('articles', 'read')).toBe(true);
    expect(perms.hasPermission('articles', 'delete')).toBe(false);
    expect(perms.getPermission('articles', 'delete')).toBe(null);
    const admin = await hydrated({ '/users/me': { id: 'a', admin_access: true } });
    expect(admin.stores.useUserStore().isAdmin).toBe(true);
    expect(admin.stores.usePermissionsStore().hasPermission('anything', 'delete')).toBe(true);
  });

  it('notifications: add returns an id, remove takes it away; flows, insights and presets answer', async () => {
    const { stores, dehydrate } = await hydrated();
    const notes = stores.useNotificationsStore();
    expect(notes.unread).toBe(2);
    const id = notes.add({ title: 'Saved', type: 'success', persist: true });
    expect(notes.queue.map((n: any) => n.title)).toEqual(['Saved']);
    const dialog = notes.add({ title: 'Careful', dialog: true });
    expect(notes.dialogs.map((n: any) => n.id)).toEqual([dialog]);
    // Directus's update and hide.
    notes.update(id, { title: 'Saved twice' });
    expect(notes.queue.map((n: any) => [n.id, n.title])).toEqual([[id, 'Saved twice']]);
    notes.hide(id);
    notes.remove(dialog);
    expect(notes.queue).toEqual([]);
    expect(notes.dialogs).toEqual([]);
    expect(await notes.refreshUnreadCount()).toBe(2);
    expect(
      stores
        .useFlowsStore()
        .getManualFlowsForCollection('articles')
        .map((f: any) => f.id),
    ).toEqual(['f1']);
    expect(
      stores
        .useInsightsStore()
        .getPanelsForDashboard('d1')
        .map((p: any) => p.id),
    ).toEqual(['p1']);
    const presets = stores.usePresetsStore();
    expect(presets.getPresetForCollection('articles')).toMatchObject({
      collection: 'articles',
      layout: null,
      user: 'u1',
    });
    await presets.savePreset({ collection: 'articles', layout: 'cards' });
    expect(presets.getPresetForCollection('articles').layout).toBe('cards');
    dehydrate();
    expect(stores.useUserStore().currentUser).toBe(null);
    expect(stores.useFieldsStore().fields).toEqual([]);
  });

  it('field and settings updates go to the host and land in the store', async () => {
    const { stores, api } = await hydrated();
    await stores.useFieldsStore().updateField('articles', 'title', {
      collection: 'articles',
      field: 'title',
      type: 'string',
      meta: { sort: 9, note: 'n' },
    });
    expect(api.calls.some((c) => c.method === 'PATCH' && c.url === '/fields/articles/title')).toBe(true);
    expect(stores.useFieldsStore().getField('articles', 'title').meta.note).toBe('n');
    await stores.useSettingsStore().updateSettings({ project_color: '#123456' });
    expect(stores.useSettingsStore().settings.project_color).toBe('#123456');
  });
});
