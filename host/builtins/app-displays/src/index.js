// @ts-check
import { defineDisplay } from '@directus/extensions-sdk';
import { h } from 'vue';
import LabelsDisplay from './LabelsDisplay.vue';
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
    { localTypes: ['m2o', 'o2m', 'm2m'] },
  ),
];

export const interfaces = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
