// @ts-check
import { definePanel } from '@directus/extensions-sdk';
import Metric from './Metric.vue';
import List from './List.vue';
import Label from './Label.vue';
import TimeSeries from './TimeSeries.vue';
import Meter from './Meter.vue';
import BarChart from './BarChart.vue';
import PieChart from './PieChart.vue';
import Variable from './Variable.vue';
import RelationalVariable from './RelationalVariable.vue';

const opt = (field, name, type = 'string', meta = {}) => ({
  field,
  name,
  type,
  meta: { width: 'half', interface: 'input', ...meta },
});
const FUNCTIONS = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max'].map((value) => ({ text: value, value }));
const fn = opt('function', 'Aggregate function', 'string', {
  interface: 'select-dropdown',
  options: { choices: FUNCTIONS },
});
const collection = opt('collection', 'Collection', 'string', { interface: 'system-collection' });
/** A field of the collection chosen above, picked as Directus's panels pick it (system-field). */
const fieldOf = (name, label, options = {}) =>
  opt(name, label, 'string', {
    interface: 'system-field',
    options: { collectionField: 'collection', allowNone: true, ...options },
  });
const color = opt('color', 'Color', 'string', { interface: 'select-color' });
// Directus's panels filter their collection with the filter builder, on the collection chosen above.
const filter = opt('filter', 'Filter', 'json', {
  width: 'full',
  interface: 'system-filter',
  options: { collectionField: 'collection', relationalFieldSelectable: false },
});

/** One aggregate per value of `groupField` (`data` = [{ <group>: value, <fn>: … }]), filtered. */
function groupedQuery(options, groupField, valueField) {
  if (!options?.collection || !groupField) return undefined;
  const f = options.function ?? 'count';
  return {
    collection: options.collection,
    query: {
      groupBy: groupField,
      aggregate: { [f]: f === 'count' ? '*' : valueField },
      ...(options.filter ? { filter: options.filter } : {}),
      limit: -1,
    },
  };
}

/** One aggregate over a collection (`data` = [{ <fn>: { <field>: value } }]). */
function aggregateQuery(options) {
  if (!options?.collection) return undefined;
  const f = options.function ?? 'count';
  return {
    collection: options.collection,
    query: {
      aggregate: { [f]: f === 'count' ? '*' : options.field },
      ...(options.filter ? { filter: options.filter } : {}),
    },
  };
}

export const panels = [
  definePanel({
    id: 'metric',
    name: 'Metric',
    icon: 'functions',
    description: 'One number from a collection',
    component: Metric,
    query: aggregateQuery,
    minWidth: 8,
    minHeight: 6,
    options: [collection, fieldOf('field', 'Field'), fn, opt('prefix', 'Prefix'), opt('suffix', 'Suffix'), filter],
  }),
  definePanel({
    id: 'list',
    name: 'List',
    icon: 'list',
    description: 'Latest items of a collection',
    component: List,
    minWidth: 12,
    minHeight: 6,
    query: (options) =>
      options?.collection
        ? {
            collection: options.collection,
            query: {
              limit: options.limit ?? 5,
              sort: options.sortField ? [`-${options.sortField}`] : undefined,
              ...(options.filter ? { filter: options.filter } : {}),
            },
          }
        : undefined,
    options: [
      collection,
      opt('displayTemplate', 'Template (e.g. {{title}})', 'string', {
        interface: 'system-display-template',
        options: { collectionField: 'collection' },
      }),
      fieldOf('sortField', 'Sort by (descending)'),
      opt('limit', 'Limit', 'integer'),
      filter,
    ],
  }),
  definePanel({
    id: 'label',
    name: 'Label',
    icon: 'title',
    description: 'A heading',
    component: Label,
    minWidth: 4,
    minHeight: 2,
    options: [opt('text', 'Text', 'string', { width: 'full' }), color],
  }),
  definePanel({
    id: 'time-series',
    name: 'Time Series',
    icon: 'show_chart',
    description: 'Values over time, per day',
    component: TimeSeries,
    minWidth: 12,
    minHeight: 8,
    query: (options) =>
      options?.collection && options?.dateField
        ? {
            collection: options.collection,
            query: {
              fields: [options.dateField, ...(options.valueField ? [options.valueField] : [])],
              limit: 1000,
              sort: [options.dateField],
            },
          }
        : undefined,
    options: [
      collection,
      fieldOf('dateField', 'Date field', { typeAllowList: ['date', 'dateTime', 'timestamp'] }),
      fieldOf('valueField', 'Value field (empty = count)'),
      color,
    ],
  }),
  definePanel({
    id: 'meter',
    name: 'Meter',
    icon: 'speed',
    description: 'A value against a maximum',
    component: Meter,
    query: aggregateQuery,
    minWidth: 8,
    minHeight: 6,
    options: [collection, fieldOf('field', 'Field'), fn, opt('max', 'Maximum', 'integer')],
  }),
  definePanel({
    id: 'bar-chart',
    name: 'Bar Chart',
    icon: 'bar_chart',
    description: 'An aggregate per group',
    component: BarChart,
    minWidth: 12,
    minHeight: 8,
    query: (options) => groupedQuery(options, options?.xAxis, options?.yAxis),
    options: [collection, fieldOf('xAxis', 'Group by field'), fieldOf('yAxis', 'Value field'), fn, color, filter],
  }),
  // Directus's variable panel: sets the dashboard variable `field` (`variable: true`); other
  // panels' options name it as `{{ field }}`.
  definePanel({
    id: 'variable',
    name: 'Global Variable',
    icon: 'science',
    description: 'A value other panels filter by',
    component: Variable,
    variable: true,
    minWidth: 12,
    minHeight: 6,
    options: [
      opt('field', 'Variable key', 'string', { width: 'full', options: { dbSafe: true, placeholder: 'status' } }),
      opt('type', 'Type', 'string', {
        interface: 'select-dropdown',
        options: {
          choices: ['string', 'text', 'integer', 'float', 'boolean', 'date', 'dateTime', 'json', 'csv', 'uuid'].map(
            (value) => ({
              text: value,
              value,
            }),
          ),
        },
      }),
      opt('defaultValue', 'Default value'),
      opt('inter', 'Interface', 'string', { interface: 'system-interface', options: { typeField: 'type' } }),
      opt('options', 'Interface options (JSON)', 'json', {
        width: 'full',
        interface: 'input-code',
        options: { language: 'json' },
      }),
    ],
  }),
  // Directus's relational variable: items chosen from a collection; their keys are the variable `field`.
  definePanel({
    id: 'relational-variable',
    name: 'Relational Variable',
    icon: 'science',
    description: 'Items other panels filter by',
    component: RelationalVariable,
    variable: true,
    minWidth: 12,
    minHeight: 6,
    options: [
      opt('field', 'Variable key', 'string', { width: 'full', options: { dbSafe: true, placeholder: 'orders' } }),
      opt('collection', 'Collection', 'string', {
        interface: 'system-collection',
        options: { includeSystem: true, includeSingleton: false },
      }),
      opt('multiple', 'Multiple', 'boolean', { interface: 'boolean' }),
      { ...opt('limit', 'Limit', 'integer'), schema: { default_value: 5 } },
      opt('displayTemplate', 'Display template', 'string', {
        width: 'full',
        interface: 'system-display-template',
        options: { collectionField: 'collection' },
      }),
      filter,
    ],
    // Its template's `{{ field }}`s are the items' fields, not dashboard variables.
    skipUndefinedKeys: ['displayTemplate'],
  }),
  // Directus's pie chart: an aggregate per value of `column`, as slices (a donut with `donut`).
  definePanel({
    id: 'pie-chart',
    name: 'Pie Chart',
    icon: 'pie_chart',
    description: 'An aggregate per group, as slices',
    component: PieChart,
    minWidth: 10,
    minHeight: 10,
    query: (options) => groupedQuery(options, options?.column, options?.column),
    options: [
      collection,
      fieldOf('column', 'Field'),
      fn,
      opt('donut', 'Donut', 'boolean', { interface: 'boolean' }),
      opt('showLabels', 'Show labels', 'boolean', { interface: 'boolean' }),
      opt('legend', 'Legend', 'string', {
        interface: 'select-dropdown',
        options: {
          choices: [
            { text: 'None', value: 'none' },
            { text: 'Right', value: 'right' },
            { text: 'Bottom', value: 'bottom' },
          ],
        },
      }),
      opt('decimals', 'Decimals', 'integer'),
      color,
      filter,
    ],
  }),
];
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const modules = [];
export const themes = [];
export const operations = [];
