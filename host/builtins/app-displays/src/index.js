// @ts-check
import { defineDisplay, getFieldsFromTemplate, useStores } from '@directus/extensions-sdk';
import { h } from 'vue';
import LabelsDisplay from './LabelsDisplay.vue';
import ImageDisplay from './ImageDisplay.vue';
import { ColorDisplay, IconDisplay } from './SwatchDisplays.js';
import UserFileDisplay, { FILE_FIELDS, USER_FIELDS, fileName, userName } from './UserFileDisplays.vue';
import { formatDatetime, formatValue, renderTemplate } from './format.js';

/** A display rendered as text by its handler (the same function exports and templates use). */
function textDisplay(id, handler, optionNames = []) {
  return {
    name: `display-${id}`,
    inheritAttrs: false,
    // Options are declared props: render-display binds only what a display declares (propsFor).
    props: ['value', ...optionNames],
    setup(props, { attrs }) {
      return () => {
        const options = { ...attrs };
        for (const name of optionNames) if (props[name] !== undefined) options[name] = props[name];
        return h('span', { class: 'display-text', 'data-display': id }, handler(props.value, options) ?? '—');
      };
    },
  };
}

const field = (name, label, type, meta = {}) => ({
  field: name,
  name: label,
  type,
  meta: { width: 'full', interface: 'input', ...meta },
});
const NUMBERS = ['integer', 'bigInteger', 'float', 'decimal'];
const ALL_TYPES = [
  'alias',
  'bigInteger',
  'boolean',
  'date',
  'dateTime',
  'decimal',
  'float',
  'integer',
  'json',
  'string',
  'text',
  'time',
  'timestamp',
  'uuid',
  'csv',
];
/** A text display: `handler` gives the text, the component renders it. */
/**
 * A translations field's junction side: the field naming each row's language and the languages'
 * key (null when `field` of `collection` is no translations relation).
 * @param {string | undefined} collection @param {string | undefined} field
 */
function translationsRelation(collection, field) {
  const { useRelationsStore, useFieldsStore } = useStores();
  const relations = useRelationsStore().relations ?? [];
  const back = relations.find((r) => r.related_collection === collection && r.meta?.one_field === field);
  const junctionField = back?.meta?.junction_field;
  if (!junctionField) return null;
  const languages = relations.find(
    (r) => r.collection === back.collection && r.field === junctionField,
  )?.related_collection;
  const relatedPk = (languages && useFieldsStore().getPrimaryKeyFieldForCollection(languages)?.field) || 'id';
  return { junctionField, relatedPk };
}

/** Directus's translations display: the template drawn from the translation in `defaultLanguage` (else the first). */
function translationText(value, options, context) {
  const rows = Array.isArray(value) ? value.filter((r) => r && typeof r === 'object') : [];
  if (!rows.length) return null;
  const rel = translationsRelation(context?.collection ?? options?.collection, context?.field ?? options?.field);
  const language = (row) => {
    const v = rel ? row[rel.junctionField] : undefined;
    return v && typeof v === 'object' ? v[rel.relatedPk] : v;
  };
  const row = rows.find((r) => options?.defaultLanguage && language(r) === options.defaultLanguage) ?? rows[0];
  return options?.template ? renderTemplate(options.template, row) : null;
}

const text = (id, name, icon, handler, types, options, extra = {}) =>
  defineDisplay({
    id,
    name,
    icon,
    component: textDisplay(
      id,
      handler,
      (options ?? []).map((o) => o.field),
    ),
    handler,
    types,
    options,
    ...extra,
  });

export const displays = [
  text(
    'raw',
    'Raw Value',
    'code',
    (value) =>
      value === null || value === undefined ? null : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ALL_TYPES,
    null,
  ),
  text(
    'formatted-value',
    'Formatted Value',
    'text_format',
    formatValue,
    ['string', 'text', ...NUMBERS],
    [
      field('prefix', 'Prefix', 'string'),
      field('suffix', 'Suffix', 'string'),
      field('format', 'Format numbers', 'boolean', { interface: 'boolean' }),
    ],
  ),
  text(
    'datetime',
    'Datetime',
    'access_time',
    formatDatetime,
    ['dateTime', 'date', 'time', 'timestamp'],
    [field('relative', 'Relative', 'boolean', { interface: 'boolean' })],
  ),
  text(
    'boolean',
    'Boolean',
    'check',
    (value, options) => (value ? (options?.labelOn ?? '✓ Yes') : (options?.labelOff ?? '✕ No')),
    ['boolean'],
    [field('labelOn', 'Label on', 'string'), field('labelOff', 'Label off', 'string')],
  ),
  defineDisplay({
    id: 'labels',
    name: 'Labels',
    icon: 'flag',
    component: LabelsDisplay,
    handler: (value) =>
      Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? null : String(value),
    types: ['string', 'json', 'csv'],
    options: [field('choices', 'Choices', 'json', { interface: 'tags' })],
  }),
  text(
    'related-values',
    'Related Values',
    'settings_ethernet',
    (value, options) => renderTemplate(options?.template, value),
    ['alias', 'integer', 'bigInteger', 'uuid', 'string'],
    [field('template', 'Display template', 'string')],
    // The related fields its template names are loaded with the item (Directus's display `fields`).
    { localTypes: ['m2o', 'o2m', 'm2m'], fields: (options) => getFieldsFromTemplate(options?.template) },
  ),
  text(
    'translations',
    'Translations',
    'translate',
    translationText,
    ['alias'],
    [field('template', 'Display template', 'string'), field('defaultLanguage', 'Language', 'string')],
    {
      localTypes: ['translations'],
      // The template's fields of each translation, and the field that says its language.
      fields: (options, context) => {
        const rel = translationsRelation(context?.collection, context?.field);
        return [...getFieldsFromTemplate(options?.template), ...(rel ? [rel.junctionField] : [])];
      },
    },
  ),
  // More of Directus's displays, under its ids: file fields as images, colors, icons, sizes, types, JSON.
  defineDisplay({
    id: 'image',
    name: 'Image',
    icon: 'insert_photo',
    component: ImageDisplay,
    handler: (value) => (value && typeof value === 'object' ? (value.title ?? value.id ?? null) : (value ?? null)),
    types: ['uuid'],
    localTypes: ['file'],
    options: [field('circle', 'Circle', 'boolean', { interface: 'boolean' })],
    fields: ['id', 'type', 'title'],
  }),
  defineDisplay({
    id: 'user',
    name: 'User',
    icon: 'person',
    component: UserFileDisplay,
    handler: (value) => userName(value),
    types: ['uuid'],
    options: [
      {
        ...field('display', 'Display', 'string', {
          interface: 'select-dropdown',
          width: 'half',
          options: {
            choices: [
              { text: 'Avatar', value: 'avatar' },
              { text: 'Name', value: 'name' },
              { text: 'Both', value: 'both' },
            ],
          },
        }),
        schema: { default_value: 'both' },
      },
      field('circle', 'Circle', 'boolean', { interface: 'boolean', width: 'half' }),
    ],
    fields: USER_FIELDS,
  }),
  defineDisplay({
    id: 'file',
    name: 'File',
    icon: 'insert_drive_file',
    component: {
      ...UserFileDisplay,
      name: 'display-file',
      props: { ...UserFileDisplay.props, kind: { type: String, default: 'file' } },
    },
    handler: (value) => fileName(value),
    types: ['uuid'],
    localTypes: ['file'],
    options: [],
    fields: FILE_FIELDS,
  }),
  defineDisplay({
    id: 'color',
    name: 'Color',
    icon: 'palette',
    component: ColorDisplay,
    handler: (value) => (typeof value === 'string' && value ? value : null),
    types: ['string'],
    options: [field('showAsDot', 'Dot only', 'boolean', { interface: 'boolean' })],
  }),
  defineDisplay({
    id: 'icon',
    name: 'Icon',
    icon: 'insert_emoticon',
    component: IconDisplay,
    handler: (value) => (typeof value === 'string' && value ? value : null),
    types: ['string'],
    options: [field('filled', 'Filled', 'boolean', { interface: 'boolean' })],
  }),
  text('filesize', 'File Size', 'description', formatFilesize, NUMBERS, null),
  text(
    'mime-type',
    'MIME Type',
    'picture_as_pdf',
    (value, options) =>
      typeof value !== 'string' || !value
        ? null
        : options?.extension
          ? (value.split('/').pop()?.split('+')[0]?.toUpperCase() ?? value)
          : value,
    ['string'],
    [field('extension', 'Show as file extension', 'boolean', { interface: 'boolean' })],
  ),
  text(
    'formatted-json-value',
    'Formatted JSON Value',
    'settings_ethernet',
    (value, options) =>
      value === null || value === undefined
        ? null
        : options?.format
          ? (Array.isArray(value) ? value : [value]).map((v) => renderTemplate(options.format, v)).join(', ')
          : JSON.stringify(value),
    ['json'],
    [field('format', 'Format (a template: {{key}})', 'string')],
  ),
];

/** Bytes as Directus shows them: 1 decimal, binary units. */
function formatFilesize(value) {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isFinite(n)) return null;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = n;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

export const interfaces = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
