// @ts-check
/**
 * Pure helpers behind the field editor (Settings → Data Model): which interfaces and displays a
 * field type may use, how an extension's `options` turn into a form, and how the editor's draft
 * maps to and from Directus's field shape (`{field, type, meta, schema}` as stored in
 * directus_fields). No Vue here, so the rules are tested without a browser.
 */

/** Directus's field types the editor offers for a new field (alias fields come from relations). */
export const FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'bigInteger',
  'float',
  'decimal',
  'boolean',
  'dateTime',
  'date',
  'time',
  'timestamp',
  'json',
  'csv',
  'uuid',
  'hash',
];

/** The editor's kind for a group field: Directus's alias without data whose `special` includes group. */
export const GROUP_KIND = 'group';
/** The editor's kind for a presentation field (a divider, a notice): an alias without data. */
export const PRESENTATION_KIND = 'presentation';
/** Each alias kind: the `special` it is stored with, and the `localTypes` its interfaces declare. */
export const ALIAS_KINDS = {
  [GROUP_KIND]: { special: ['alias', 'no-data', 'group'], localType: 'group' },
  [PRESENTATION_KIND]: { special: ['alias', 'no-data'], localType: 'presentation' },
};

/** @param {{meta?: any}} f */
export const isGroupField = (f) => Array.isArray(f?.meta?.special) && f.meta.special.includes('group');

/** The alias kind of a stored field (group, presentation), or null for a field that holds data or a relation. @param {{meta?: any}} f */
function aliasKind(f) {
  const special = Array.isArray(f?.meta?.special) ? f.meta.special : [];
  if (special.includes('group')) return GROUP_KIND;
  if (special.includes('no-data')) return PRESENTATION_KIND;
  return null;
}

/**
 * The groups a field may be put in: the collection's group fields, less the field itself and the
 * groups inside it (a group cannot contain itself).
 * @param {Array<{field: string, meta?: any}>} fields  the collection's fields
 * @param {string} self  the edited field's key ('' for a new one)
 */
export function groupChoices(fields, self) {
  const parentOf = new Map(fields.map((f) => [f.field, f.meta?.group ?? null]));
  const inside = (name) => {
    const seen = new Set();
    for (let g = name; g !== null && !seen.has(g); g = parentOf.get(g) ?? null) {
      if (g === self) return true;
      seen.add(g);
    }
    return false;
  };
  return fields.filter((f) => isGroupField(f) && !(self && inside(f.field))).map((f) => f.field);
}

/** Keys of a stored meta that describe the field rather than configure it: never sent back. */
const HOST_KEYS = ['collection', 'field', 'id', 'system'];

/** Directus's form widths. */
export const WIDTHS = ['full', 'half', 'half-left', 'half-right', 'fill'];

/** Keys of `meta` the editor owns; everything else in a stored meta is kept as it was. */
const META_KEYS = [
  'interface',
  'options',
  'display',
  'display_options',
  'note',
  'width',
  'hidden',
  'readonly',
  'required',
  'validation',
  'validation_message',
  'special',
  'group',
];

/**
 * The configs (interfaces or displays) a field of `type` may use: those whose `types` include it.
 * A relational interface (`localTypes` m2o/o2m/m2m…) is offered only for that kind of field.
 * @param {Array<{id: string, types?: readonly string[], localTypes?: readonly string[], relational?: boolean}>} configs
 * @param {string} type
 * @param {{ localType?: string }} [context]
 */
export function getChoicesForType(configs, type, context = {}) {
  const local = context.localType ?? 'standard';
  return configs.filter((c) => {
    // Directus's system interfaces (a field picker, a template input…) serve option forms, not fields.
    if (/** @type {{system?: boolean}} */ (c).system === true) return false;
    if (!Array.isArray(c.types) || !c.types.includes(type)) return false;
    const locals = Array.isArray(c.localTypes) ? c.localTypes : ['standard'];
    return locals.includes(local);
  });
}

/**
 * What an extension's `options` asks the editor to render: `{fields}` (an options array, Directus's
 * `{standard, advanced}` split or a function of the context returning either) or `{component}` (an
 * options component, given `value` and emitting `input`), or `{fields: []}` for none.
 * @param {{options?: any} | null | undefined} config
 * @param {Record<string, unknown>} context  Directus's ExtensionOptionsContext: collection, field, editing, values…
 * @returns {{fields: any[], component: any}}
 */
export function resolveOptions(config, context) {
  let options = config?.options ?? null;
  if (typeof options === 'function') {
    try {
      options = options(context);
    } catch {
      options = null;
    }
  }
  if (!options) return { fields: [], component: null };
  if (Array.isArray(options)) return { fields: options, component: null };
  if (Array.isArray(options.standard) || Array.isArray(options.advanced))
    return { fields: [...(options.standard ?? []), ...(options.advanced ?? [])], component: null };
  // Anything else with a render function, template or setup is an options component.
  if (typeof options === 'object' && (options.render || options.template || options.setup || options.__vccOpts))
    return { fields: [], component: options };
  return { fields: [], component: null };
}

/** A fresh draft for a new field. */
export function emptyDraft() {
  return {
    field: '',
    type: 'string',
    interface: null,
    options: {},
    display: null,
    display_options: {},
    note: '',
    width: 'full',
    hidden: false,
    readonly: false,
    required: false,
    validation: null,
    validation_message: null,
    special: null,
    group: null,
    default_value: null,
    meta: {},
  };
}

/**
 * The editor's draft of a stored field (`GET /fields/:collection/:field`).
 * @param {{field: string, type: string, meta?: Record<string, any> | null, schema?: Record<string, any> | null}} stored
 */
export function fieldToDraft(stored) {
  const m = stored.meta ?? {};
  return {
    ...emptyDraft(),
    field: stored.field,
    type: aliasKind(stored) ?? stored.type,
    interface: m.interface ?? null,
    options: { ...(m.options ?? {}) },
    display: m.display ?? null,
    display_options: { ...(m.display_options ?? {}) },
    note: m.note ?? '',
    width: m.width ?? 'full',
    hidden: m.hidden === true,
    readonly: m.readonly === true,
    required: m.required === true,
    validation: m.validation ?? null,
    validation_message: m.validation_message ?? null,
    special: m.special ?? null,
    group: m.group ?? null,
    default_value: stored.schema?.default_value ?? null,
    meta: m,
  };
}

/** Drops keys whose value is undefined or an empty string, so a cleared option is not stored as "". */
function compact(options) {
  const out = {};
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined && v !== '') out[k] = v;
  return Object.keys(out).length ? out : null;
}

/**
 * `meta` as Directus stores it in directus_fields, from a draft. Keys of the stored meta the editor
 * does not own (sort, group, translations…) are carried through unchanged.
 * @param {ReturnType<typeof emptyDraft>} draft
 */
export function draftToMeta(draft) {
  /** @type {Record<string, unknown>} */
  const meta = {};
  for (const [k, v] of Object.entries(draft.meta ?? {}))
    if (!META_KEYS.includes(k) && !HOST_KEYS.includes(k)) meta[k] = v;
  return {
    ...meta,
    // A presentation field draws nothing without an interface: a divider unless one was chosen.
    interface: draft.interface || (draft.type === PRESENTATION_KIND ? 'presentation-divider' : null),
    options: compact(draft.options),
    display: draft.display || null,
    display_options: compact(draft.display_options),
    note: draft.note ? draft.note : null,
    width: WIDTHS.includes(draft.width) ? draft.width : 'full',
    hidden: draft.hidden === true,
    readonly: draft.readonly === true,
    required: draft.required === true,
    validation:
      draft.validation && typeof draft.validation === 'object' && Object.keys(draft.validation).length
        ? draft.validation
        : null,
    validation_message: draft.validation_message || null,
    special: Object.hasOwn(ALIAS_KINDS, draft.type)
      ? ALIAS_KINDS[draft.type].special
      : Array.isArray(draft.special) && draft.special.length
        ? draft.special
        : null,
    group: draft.group || null,
  };
}

/**
 * The body of `POST /fields/:collection` for a new field (`PATCH` sends only `{meta}`).
 * @param {ReturnType<typeof emptyDraft>} draft
 */
export function draftToCreate(draft) {
  const schema =
    draft.default_value === null || draft.default_value === undefined || draft.default_value === ''
      ? {}
      : { default_value: draft.default_value };
  if (Object.hasOwn(ALIAS_KINDS, draft.type))
    return { field: draft.field, type: 'alias', meta: draftToMeta(draft), schema: null };
  return { field: draft.field, type: draft.type, meta: draftToMeta(draft), schema };
}

/**
 * A `validation` filter from its JSON text: null when blank; an error code when it is not a
 * filter object (the editor shows it and does not save).
 * @param {string} text
 * @returns {{value: Record<string, unknown> | null, error: null | 'INVALID_JSON' | 'NOT_A_FILTER'}}
 */
export function parseValidation(text) {
  if (!text || !text.trim()) return { value: null, error: null };
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return { value: null, error: 'INVALID_JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { value: null, error: 'NOT_A_FILTER' };
  return { value, error: null };
}
