// @ts-check
/**
 * The API calls that set up a relation from the Data Model editor, as Directus's REST does it:
 * a foreign-key field plus `POST /relations` (m2o), the foreign key on the other side with
 * `meta.one_field` naming the alias (o2m), or a junction collection with two many-to-ones (m2m).
 * Pure: the editor runs the steps in order and stops at the first failure.
 */

/** @typedef {{method: 'POST' | 'PATCH', path: string, body: unknown}} Step */

/** The languages Directus's translations wizard starts a new languages collection with. */
export const STARTER_LANGUAGES = [
  { code: 'en-US', name: 'English', direction: 'ltr' },
  { code: 'de-DE', name: 'German', direction: 'ltr' },
  { code: 'es-ES', name: 'Spanish', direction: 'ltr' },
  { code: 'fr-FR', name: 'French', direction: 'ltr' },
  { code: 'ar-SA', name: 'Arabic', direction: 'rtl' },
];

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Keys a foreign key can hold: the related primary key's type, integer when unknown. */
function keyType(pkType) {
  return ['integer', 'bigInteger', 'uuid', 'string'].includes(pkType) ? pkType : 'integer';
}

/**
 * `translations` is Directus's translations field: a many-to-many to `related` (the languages
 * collection, `languages` unless named; created with a few languages when `createRelated`) through
 * `<collection>_translations`, the alias then made a `translations` field.
 * @param {{kind: 'm2o' | 'o2m' | 'm2m' | 'translations', collection: string, field: string, related: string, relatedPkType?: string, pkType?: string, foreignKey?: string, junction?: string, createRelated?: boolean}} spec
 * @returns {{steps: Step[], error: null} | {steps: [], error: 'INVALID_NAME' | 'MISSING_RELATED' | 'UNKNOWN_KIND'}}
 */
export function planRelation(spec) {
  if (!spec.related && spec.kind !== 'translations') return { steps: [], error: 'MISSING_RELATED' };
  if (!NAME.test(spec.field ?? '')) return { steps: [], error: 'INVALID_NAME' };
  if (spec.kind === 'm2o') {
    return {
      error: null,
      steps: [
        {
          method: 'POST',
          path: `/fields/${spec.collection}`,
          body: {
            field: spec.field,
            type: keyType(spec.relatedPkType),
            // A file is Directus's `file` many-to-one (its interface uploads or picks one); other targets are `m2o`.
            meta:
              spec.related === 'directus_files'
                ? { interface: 'file', special: ['file'] }
                : { interface: 'select-dropdown-m2o', special: ['m2o'] },
            schema: {},
          },
        },
        {
          method: 'POST',
          path: '/relations',
          body: { collection: spec.collection, field: spec.field, related_collection: spec.related },
        },
      ],
    };
  }
  if (spec.kind === 'o2m') {
    const fk = spec.foreignKey || `${spec.collection}_id`;
    if (!NAME.test(fk)) return { steps: [], error: 'INVALID_NAME' };
    return {
      error: null,
      steps: [
        {
          method: 'POST',
          path: `/fields/${spec.related}`,
          body: {
            field: fk,
            type: keyType(spec.pkType),
            meta: { interface: 'select-dropdown-m2o', special: ['m2o'], hidden: true },
            schema: {},
          },
        },
        {
          method: 'POST',
          path: '/relations',
          body: {
            collection: spec.related,
            field: fk,
            related_collection: spec.collection,
            meta: { one_field: spec.field },
          },
        },
      ],
    };
  }
  if (spec.kind === 'm2m') {
    const junction = spec.junction || `${spec.collection}_${spec.related}`;
    const here = `${spec.collection}_id`;
    const there = `${spec.related}_id`;
    if (!NAME.test(junction) || here === there) return { steps: [], error: 'INVALID_NAME' };
    return {
      error: null,
      steps: [
        {
          method: 'POST',
          path: '/collections',
          body: {
            collection: junction,
            meta: { hidden: true, icon: 'import_export' },
            fields: [
              { field: here, type: keyType(spec.pkType), meta: { hidden: true } },
              { field: there, type: keyType(spec.relatedPkType), meta: { hidden: true } },
            ],
          },
        },
        {
          method: 'POST',
          path: '/relations',
          body: {
            collection: junction,
            field: here,
            related_collection: spec.collection,
            meta: { one_field: spec.field, junction_field: there },
          },
        },
        {
          method: 'POST',
          path: '/relations',
          body: {
            collection: junction,
            field: there,
            related_collection: spec.related,
            meta: { junction_field: here },
          },
        },
      ],
    };
  }
  if (spec.kind === 'translations') {
    const languages = spec.related || 'languages';
    if (!NAME.test(languages)) return { steps: [], error: 'INVALID_NAME' };
    const m2m = planRelation({
      ...spec,
      kind: 'm2m',
      related: languages,
      relatedPkType: spec.createRelated ? 'string' : spec.relatedPkType,
      junction: spec.junction || `${spec.collection}_translations`,
    });
    if (m2m.error) return m2m;
    const create = spec.createRelated
      ? [
          {
            method: /** @type {const} */ ('POST'),
            path: '/collections',
            body: {
              collection: languages,
              meta: { icon: 'translate' },
              fields: [
                { field: 'code', type: 'string', schema: { is_primary_key: true }, meta: { interface: 'input' } },
                { field: 'name', type: 'string', meta: { interface: 'input' } },
                {
                  field: 'direction',
                  type: 'string',
                  schema: { default_value: 'ltr' },
                  meta: {
                    interface: 'select-dropdown',
                    options: {
                      choices: [
                        { text: 'Left to right', value: 'ltr' },
                        { text: 'Right to left', value: 'rtl' },
                      ],
                    },
                  },
                },
              ],
            },
          },
          { method: /** @type {const} */ ('POST'), path: `/items/${languages}`, body: STARTER_LANGUAGES },
        ]
      : [];
    return {
      error: null,
      steps: [
        ...create,
        ...m2m.steps,
        {
          method: 'PATCH',
          path: `/fields/${spec.collection}/${spec.field}`,
          body: { meta: { special: ['translations'], interface: 'translations', options: { languageField: 'name' } } },
        },
      ],
    };
  }
  return { steps: [], error: 'UNKNOWN_KIND' };
}
