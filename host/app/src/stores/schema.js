import { defineStore } from 'pinia';
import { loadList } from './load.js';
import { formatTitle } from './format-title.js';
import { APP_LANGUAGE, forLanguage } from '../translate.js';

const bySort = (a, b) =>
  (a.meta?.sort ?? Infinity) - (b.meta?.sort ?? Infinity) || String(a.field).localeCompare(String(b.field));
const upsertBy = (list, item, same) => {
  const i = list.findIndex((x) => same(x, item));
  if (i === -1) list.push(item);
  else list[i] = item;
};

/**
 * A collection as Directus's store holds it: with the `name` the app shows (its translation, else
 * its key as a title), its `icon` and `color`, and its `type` (`alias` for a folder without a
 * table, `table`, or `unknown`).
 */
const prepareCollection = (c) => ({
  ...c,
  name: c.name ?? translatedName(c) ?? formatTitle(c.collection),
  icon: c.meta?.icon ?? (c.collection.startsWith('directus_') ? 'settings' : 'database'),
  color: c.meta?.color ?? null,
  type: c.schema ? 'table' : c.meta ? 'alias' : 'unknown',
});

/**
 * A field's name in `language` from its `meta.translations` (`[{language, translation}]`): the exact
 * language, else one of the same base language (`en-GB` for `en-US`), else null.
 * @param {{meta?: any}} f
 */
export function translatedName(f, language = APP_LANGUAGE) {
  const list = Array.isArray(f.meta?.translations) ? f.meta.translations : [];
  const pick = forLanguage(list, language);
  return typeof pick?.translation === 'string' && pick.translation ? pick.translation : null;
}

/** A field as Directus's store holds it: with its display `name` (its translation, else its key as a title). */
const prepareField = (f) => ({ ...f, name: f.name ?? translatedName(f) ?? formatTitle(f.field) });

/** Collections, fields and relations, with the Directus store names and members extensions call. */
export function defineSchemaStores(api) {
  const useCollectionsStore = defineStore('collectionsStore', {
    state: () => ({ collections: [] }),
    getters: {
      visibleCollections: (s) =>
        s.collections.filter((c) => !c.collection.startsWith('directus_') && c.meta?.hidden !== true),
      allCollections: (s) => s.collections.filter((c) => !c.collection.startsWith('directus_')),
      databaseCollections: (s) => s.collections.filter((c) => c.schema),
      crudSafeSystemCollections: (s) =>
        s.collections.filter(
          (c) =>
            c.collection.startsWith('directus_') &&
            !['directus_activity', 'directus_revisions', 'directus_migrations', 'directus_sessions'].includes(
              c.collection,
            ),
        ),
    },
    actions: {
      async hydrate() {
        this.collections = (await loadList(api, '/collections')).map(prepareCollection);
      },
      dehydrate() {
        this.collections = [];
      },
      prepareCollectionForApp(collection) {
        return prepareCollection(collection);
      },
      /** Names come from `formatTitle` (Annex has no custom translations). */
      translateCollections() {
        this.collections = this.collections.map(prepareCollection);
      },
      getCollection(name) {
        return this.collections.find((c) => c.collection === name) ?? null;
      },
      async upsertCollection(collection, values) {
        const exists = this.getCollection(collection);
        const res = exists
          ? await api.patch(`/collections/${collection}`, values)
          : await api.post('/collections', { ...values, collection });
        upsertBy(this.collections, prepareCollection(res.data.data), (a, b) => a.collection === b.collection);
        return res.data.data;
      },
      async updateCollection(collection, updates) {
        const res = await api.patch(`/collections/${collection}`, updates);
        upsertBy(this.collections, prepareCollection(res.data.data), (a, b) => a.collection === b.collection);
        return res.data.data;
      },
      async deleteCollection(collection) {
        await api.delete(`/collections/${collection}`);
        this.collections = this.collections.filter((c) => c.collection !== collection);
      },
    },
  });

  const useFieldsStore = defineStore('fieldsStore', {
    state: () => ({ fields: [] }),
    actions: {
      async hydrate() {
        this.fields = (await loadList(api, '/fields')).map(prepareField);
      },
      dehydrate() {
        this.fields = [];
      },
      parseField(field) {
        return prepareField(field);
      },
      translateFields() {
        this.fields = this.fields.map(prepareField);
      },
      getFieldsForCollection(collection) {
        return this.fields.filter((f) => f.collection === collection).sort(bySort);
      },
      getFieldsForCollectionSorted(collection) {
        return this.getFieldsForCollection(collection);
      },
      getFieldsForCollectionAlphabetical(collection) {
        return this.fields
          .filter((f) => f.collection === collection)
          .sort((a, b) => String(a.name ?? a.field).localeCompare(String(b.name ?? b.field)));
      },
      /** `field` may be a dotted path through relations (`author.name`), as in Directus. */
      getField(collection, field) {
        const [first, ...rest] = String(field).split('.');
        const found = this.fields.find((f) => f.collection === collection && f.field === first) ?? null;
        if (!found || rest.length === 0) return found;
        const relation = useRelationsStore().getRelationsForField(collection, first)[0];
        const related = relation
          ? relation.collection === collection && relation.field === first
            ? relation.related_collection
            : relation.collection
          : null;
        return related ? this.getField(related, rest.join('.')) : null;
      },
      /** A field reached through relations: `getRelationalField('articles', 'author.name')`. */
      getRelationalField(collection, path) {
        return String(path).includes('.') ? this.getField(collection, path) : null;
      },
      getPrimaryKeyFieldForCollection(collection) {
        return this.fields.find((f) => f.collection === collection && f.schema?.is_primary_key) ?? null;
      },
      getFieldGroupChildren(collection, field) {
        return this.fields.filter((f) => f.collection === collection && f.meta?.group === field).sort(bySort);
      },
      async createField(collection, field) {
        const res = await api.post(`/fields/${collection}`, field);
        upsertBy(
          this.fields,
          prepareField(res.data.data),
          (a, b) => a.collection === b.collection && a.field === b.field,
        );
        return res.data.data;
      },
      async updateField(collection, field, updates) {
        const res = await api.patch(`/fields/${collection}/${field}`, updates);
        upsertBy(
          this.fields,
          prepareField(res.data.data),
          (a, b) => a.collection === b.collection && a.field === b.field,
        );
        return res.data.data;
      },
      /** Several fields of one collection at once (sort, group, width). */
      async updateFields(collection, updates) {
        const res = await api.patch(`/fields/${collection}`, updates);
        for (const f of res.data.data ?? [])
          upsertBy(this.fields, prepareField(f), (a, b) => a.collection === b.collection && a.field === b.field);
      },
      async upsertField(collection, field, values) {
        return this.getField(collection, field)
          ? this.updateField(collection, field, values)
          : this.createField(collection, { ...values, field });
      },
      async deleteField(collection, field) {
        await api.delete(`/fields/${collection}/${field}`);
        this.fields = this.fields.filter((f) => !(f.collection === collection && f.field === field));
      },
    },
  });

  const useRelationsStore = defineStore('relationsStore', {
    state: () => ({ relations: [] }),
    actions: {
      async hydrate() {
        this.relations = await loadList(api, '/relations');
      },
      dehydrate() {
        this.relations = [];
      },
      getRelationsForCollection(collection) {
        return this.relations.filter((r) => r.collection === collection || r.related_collection === collection);
      },
      /** The relations a field takes part in: its m2o, an o2m's other side, a junction's sides. */
      getRelationsForField(collection, field) {
        const direct = this.relations.filter(
          (r) =>
            (r.collection === collection && r.field === field) ||
            (r.related_collection === collection && r.meta?.one_field === field),
        );
        const junction = direct.find((r) => r.related_collection === collection && r.meta?.junction_field);
        if (!junction) return direct;
        const other = this.relations.find(
          (r) => r.collection === junction.collection && r.field === junction.meta.junction_field,
        );
        return other ? [...direct, other] : direct;
      },
      getRelationForField(collection, field) {
        return (
          this.getRelationsForField(collection, field).find(
            (r) =>
              (r.collection === collection && r.field === field) ||
              (r.related_collection === collection && r.meta?.one_field === field),
          ) ?? null
        );
      },
      async upsertRelation(collection, field, values) {
        const exists = this.relations.some((r) => r.collection === collection && r.field === field);
        const res = exists
          ? await api.patch(`/relations/${collection}/${field}`, values)
          : await api.post('/relations', { ...values, collection, field });
        upsertBy(this.relations, res.data.data, (a, b) => a.collection === b.collection && a.field === b.field);
        return res.data.data;
      },
      async deleteRelation(collection, field) {
        await api.delete(`/relations/${collection}/${field}`);
        this.relations = this.relations.filter((r) => !(r.collection === collection && r.field === field));
      },
    },
  });

  return { useCollectionsStore, useFieldsStore, useRelationsStore };
}
