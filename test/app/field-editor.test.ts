import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';
// @ts-expect-error plain JS module of the settings app extension
import {
  draftToCreate,
  draftToMeta,
  emptyDraft,
  fieldToDraft,
  GROUP_KIND,
  PRESENTATION_KIND,
  getChoicesForType,
  groupChoices,
  parseValidation,
  resolveOptions,
} from '../../host/builtins/app-modules/src/settings/data-model/field-config.js';
// @ts-expect-error plain JS module of the settings app extension
import { planRelation } from '../../host/builtins/app-modules/src/settings/data-model/relation-plan.js';

const interfaces = [
  { id: 'input', types: ['string', 'uuid', 'integer', 'float'] },
  { id: 'input-multiline', types: ['text', 'string'] },
  { id: 'boolean', types: ['boolean'] },
  { id: 'tags', types: ['json', 'csv'] },
  { id: 'select-dropdown-m2o', types: ['integer', 'uuid', 'string'], localTypes: ['m2o'], relational: true },
  { id: 'ext-rating', types: ['integer', 'float'] },
  { id: 'broken-no-types' },
];
const displays = [
  { id: 'raw', types: ['string', 'text', 'integer', 'boolean', 'json'] },
  { id: 'boolean', types: ['boolean'] },
  { id: 'ext-stars', types: ['integer'] },
];

describe('field editor: interfaces and displays offered for a field type', () => {
  it('offers exactly the configs whose `types` include the field type', () => {
    const ids = (type: string, list = interfaces) => getChoicesForType(list, type).map((c: { id: string }) => c.id);
    expect(ids('string')).toEqual(['input', 'input-multiline']);
    expect(ids('boolean')).toEqual(['boolean']);
    expect(ids('integer')).toEqual(['input', 'ext-rating']);
    expect(ids('json')).toEqual(['tags']);
    expect(ids('timestamp')).toEqual([]);
    expect(ids('integer', displays)).toEqual(['raw', 'ext-stars']);
    expect(ids('boolean', displays)).toEqual(['raw', 'boolean']);
  });

  it('offers relational interfaces only for that kind of relation', () => {
    expect(getChoicesForType(interfaces, 'integer', { localType: 'm2o' }).map((c: { id: string }) => c.id)).toEqual([
      'select-dropdown-m2o',
    ]);
    expect(getChoicesForType(interfaces, 'integer').map((c: { id: string }) => c.id)).not.toContain(
      'select-dropdown-m2o',
    );
  });
});

describe("field editor: an extension's options", () => {
  const fields = [{ field: 'max', type: 'integer' }];
  it('renders an options array, a {standard, advanced} split and a function of the context as form fields', () => {
    expect(resolveOptions({ options: fields }, {}).fields).toEqual(fields);
    expect(
      resolveOptions({ options: { standard: fields, advanced: [{ field: 'x' }] } }, {}).fields.map(
        (f: { field: string }) => f.field,
      ),
    ).toEqual(['max', 'x']);
    const seen: unknown[] = [];
    const fn = (ctx: unknown) => (seen.push(ctx), fields);
    expect(resolveOptions({ options: fn }, { collection: 'a', field: 'b' }).fields).toEqual(fields);
    expect(seen).toEqual([{ collection: 'a', field: 'b' }]);
  });
  it('uses an options component as a component, and nothing for none or a function that throws', () => {
    const component = { props: ['value'], setup: () => () => null };
    expect(resolveOptions({ options: component }, {})).toEqual({ fields: [], component });
    expect(resolveOptions({ options: null }, {})).toEqual({ fields: [], component: null });
    expect(
      resolveOptions(
        {
          options: () => {
            throw new Error('x');
          },
        },
        {},
      ),
    ).toEqual({ fields: [], component: null });
  });
  it('parses a validation filter and names what is wrong with a bad one', () => {
    expect(parseValidation('')).toEqual({ value: null, error: null });
    expect(parseValidation('{"title":{"_nnull":true}}')).toEqual({ value: { title: { _nnull: true } }, error: null });
    expect(parseValidation('{oops').error).toBe('INVALID_JSON');
    expect(parseValidation('[1]').error).toBe('NOT_A_FILTER');
  });
});

describe('field editor: the draft round-trips through directus_fields.meta', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'books', { title: 'string' });
  }, 60_000);
  afterAll(() => t?.close());

  const draft = () => ({
    ...emptyDraft(),
    field: 'rating',
    type: 'integer',
    interface: 'ext-rating',
    options: { max: 7, icon: 'star', cleared: '' },
    display: 'ext-stars',
    display_options: { color: '#ff0' },
    note: 'Out of seven',
    width: 'half',
    hidden: false,
    readonly: true,
    required: true,
    validation: { rating: { _lte: 7 } },
    validation_message: 'Seven at most',
  });

  it('creates the field with every meta key the editor owns, as Directus stores them', async () => {
    const created = await t.api('POST', '/fields/books', draftToCreate(draft()));
    expect(created.status).toBe(200);
    const stored = (await t.api('GET', '/fields/books/rating')).body.data;
    expect(stored.meta).toMatchObject({
      interface: 'ext-rating',
      options: { max: 7, icon: 'star' },
      display: 'ext-stars',
      display_options: { color: '#ff0' },
      note: 'Out of seven',
      width: 'half',
      hidden: false,
      readonly: true,
      required: true,
      validation: { rating: { _lte: 7 } },
      validation_message: 'Seven at most',
    });
    expect(stored.meta.options).not.toHaveProperty('cleared');
    // Loading it back gives the editor the same draft it saved.
    const back = fieldToDraft(stored);
    // (sort, conditions and translations are the host's keys the editor carries through unchanged.)
    expect(draftToMeta(back)).toEqual({
      ...draftToMeta(draft()),
      sort: stored.meta.sort,
      conditions: null,
      translations: null,
    });
  });

  it('edits meta with PATCH and keeps what the editor does not own', async () => {
    const stored = (await t.api('GET', '/fields/books/rating')).body.data;
    const edited = { ...fieldToDraft(stored), options: { max: 10 }, width: 'full', readonly: false, note: '' };
    const res = await t.api('PATCH', '/fields/books/rating', { meta: draftToMeta(edited) });
    expect(res.status).toBe(200);
    const after = (await t.api('GET', '/fields/books/rating')).body.data.meta;
    expect(after).toMatchObject({
      options: { max: 10 },
      width: 'full',
      readonly: false,
      note: null,
      display: 'ext-stars',
      sort: stored.meta.sort,
    });
  });

  it('refuses a width Directus does not have with INVALID_PAYLOAD and changes nothing', async () => {
    const res = await t.api('PATCH', '/fields/books/rating', { meta: { width: 'huge', note: 'lost?' } });
    expect(res.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', '/fields/books/rating')).body.data.meta).toMatchObject({ width: 'full', note: null });
  });

  it('sets up m2o, o2m and m2m relations with the planned calls', async () => {
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'tags', { label: 'string' });
    const run = async (spec: object) => {
      const plan = planRelation(spec);
      expect(plan.error).toBeNull();
      for (const step of plan.steps) {
        const res = await t.api(step.method, step.path, step.body);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    };
    await run({ kind: 'm2o', collection: 'books', field: 'author', related: 'authors', relatedPkType: 'integer' });
    await run({
      kind: 'o2m',
      collection: 'authors',
      field: 'books',
      related: 'books',
      foreignKey: 'author_fk',
      pkType: 'integer',
    });
    await run({
      kind: 'm2m',
      collection: 'books',
      field: 'tags',
      related: 'tags',
      pkType: 'integer',
      relatedPkType: 'integer',
    });
    const relations = (await t.api('GET', '/relations')).body.data.map((r: any) => [
      r.collection,
      r.field,
      r.related_collection,
      r.meta?.one_field ?? null,
      r.meta?.junction_field ?? null,
    ]);
    expect(relations).toEqual(
      expect.arrayContaining([
        ['books', 'author', 'authors', null, null],
        ['books', 'author_fk', 'authors', 'books', null],
        ['books_tags', 'books_id', 'books', 'tags', 'tags_id'],
        ['books_tags', 'tags_id', 'tags', null, 'books_id'],
      ]),
    );
    expect((await t.api('GET', '/fields/books/tags')).body.data.meta).toMatchObject({
      special: ['m2m'],
      interface: 'list-m2m',
    });
    // Directus's translations field: a new languages collection (with a few languages), the junction, the alias.
    await run({
      kind: 'translations',
      collection: 'books',
      field: 'translations',
      related: '',
      pkType: 'integer',
      createRelated: true,
    });
    expect((await t.api('GET', '/items/languages?sort=code&fields=code,direction')).body.data).toEqual([
      { code: 'ar-SA', direction: 'rtl' },
      { code: 'de-DE', direction: 'ltr' },
      { code: 'en-US', direction: 'ltr' },
      { code: 'es-ES', direction: 'ltr' },
      { code: 'fr-FR', direction: 'ltr' },
    ]);
    expect((await t.api('GET', '/fields/books/translations')).body.data.meta).toMatchObject({
      special: ['translations'],
      interface: 'translations',
    });
    expect((await t.api('POST', '/fields/books_translations', { field: 'title', type: 'string' })).status).toBe(200);
    const book = await t.api('POST', '/items/books', {
      rating: 3,
      translations: { create: [{ languages_id: 'de-DE', title: 'Das Buch' }], update: [], delete: [] },
    });
    expect(book.status, JSON.stringify(book.body)).toBe(200);
    const read = await t.api(
      'GET',
      `/items/books/${book.body.data.id}?fields=translations.title,translations.languages_id.name`,
    );
    expect(read.body.data.translations).toEqual([{ title: 'Das Buch', languages_id: { name: 'German' } }]);
    // With a languages collection there already, none is created: only the junction and the alias.
    const again = planRelation({
      kind: 'translations',
      collection: 'tags',
      field: 'translations',
      related: 'languages',
    });
    expect(again.steps.map((s: any) => `${s.method} ${s.path}`)).toEqual([
      'POST /collections',
      'POST /relations',
      'POST /relations',
      'PATCH /fields/tags/translations',
    ]);
    expect(planRelation({ kind: 'm2o', collection: 'books', field: 'bad name', related: 'authors' }).error).toBe(
      'INVALID_NAME',
    );
    expect(planRelation({ kind: 'm2o', collection: 'books', field: 'x', related: '' }).error).toBe('MISSING_RELATED');
  });
});

describe('field editor: group fields', () => {
  const fields = [
    { field: 'title', meta: { group: null } },
    { field: 'details', meta: { special: ['alias', 'no-data', 'group'], group: null } },
    { field: 'more', meta: { special: ['alias', 'no-data', 'group'], group: 'details' } },
    { field: 'side', meta: { special: ['alias', 'no-data', 'group'], group: null } },
  ];

  it('creates a group as an alias without data whose special includes group', () => {
    const draft = { ...emptyDraft(), field: 'details', type: GROUP_KIND, interface: 'group-detail' };
    expect(draftToCreate(draft)).toEqual({
      field: 'details',
      type: 'alias',
      schema: null,
      meta: expect.objectContaining({ special: ['alias', 'no-data', 'group'], interface: 'group-detail', group: null }),
    });
    // Read back, it is a group again, and its meta keeps the group kind.
    const back = fieldToDraft({
      field: 'details',
      type: 'alias',
      meta: { special: ['alias', 'no-data', 'group'], group: 'side' },
    });
    expect(back.type).toBe(GROUP_KIND);
    expect(draftToMeta(back)).toMatchObject({ special: ['alias', 'no-data', 'group'], group: 'side' });
  });

  it('puts a field in a group, and offers only groups that would not contain themselves', () => {
    const draft = { ...fieldToDraft({ field: 'title', type: 'string', meta: {} }), group: 'more' };
    expect(draftToMeta(draft).group).toBe('more');
    expect(groupChoices(fields, '')).toEqual(['details', 'more', 'side']);
    expect(groupChoices(fields, 'details')).toEqual(['side']);
    expect(groupChoices(fields, 'more')).toEqual(['details', 'side']);
  });
});

describe('relation plan: a many-to-one to files', () => {
  it("is Directus's file field, with the file interface", () => {
    const plan = planRelation({
      kind: 'm2o',
      collection: 'posts',
      field: 'cover',
      related: 'directus_files',
      relatedPkType: 'uuid',
    });
    expect(plan.error).toBeNull();
    expect(plan.steps[0]!.body).toMatchObject({
      field: 'cover',
      type: 'uuid',
      meta: { interface: 'file', special: ['file'] },
    });
    const other = planRelation({
      kind: 'm2o',
      collection: 'posts',
      field: 'author',
      related: 'directus_users',
      relatedPkType: 'uuid',
    });
    expect(other.steps[0]!.body).toMatchObject({ meta: { interface: 'select-dropdown-m2o', special: ['m2o'] } });
  });
});

describe('field editor: presentation fields', () => {
  it('creates a divider or a notice as an alias without data, a divider by default', () => {
    const draft = { ...emptyDraft(), field: 'section', type: PRESENTATION_KIND, options: { title: 'More' } };
    expect(draftToCreate(draft)).toEqual({
      field: 'section',
      type: 'alias',
      schema: null,
      meta: expect.objectContaining({
        special: ['alias', 'no-data'],
        interface: 'presentation-divider',
        options: { title: 'More' },
      }),
    });
    const notice = { ...draft, interface: 'presentation-notice' };
    expect(draftToMeta(notice).interface).toBe('presentation-notice');
    const back = fieldToDraft({
      field: 'section',
      type: 'alias',
      meta: { special: ['alias', 'no-data'], interface: 'presentation-notice' },
    });
    expect(back.type).toBe(PRESENTATION_KIND);
    // A relational alias is not a presentation field.
    expect(fieldToDraft({ field: 'tags', type: 'alias', meta: { special: ['m2m'] } }).type).toBe('alias');
  });
});
