// @ts-check
import { definePanel } from '@directus/extensions-sdk';
import Metric from './Metric.vue';
import List from './List.vue';
import Label from './Label.vue';
import TimeSeries from './TimeSeries.vue';
import Meter from './Meter.vue';
import BarChart from './BarChart.vue';

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
// Directus's panels filter their collection with the filter builder, on the collection chosen above.
const filter = opt('filter', 'Filter', 'json', {
  width: 'full',
  interface: 'system-filter',
  options: { collectionField: 'collection', relationalFieldSelectable: false },
});

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
    options: [collection, opt('field', 'Field'), fn, opt('prefix', 'Prefix'), opt('suffix', 'Suffix'), filter],
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
      opt('displayTemplate', 'Template (e.g. {{title}})'),
      opt('sortField', 'Sort by (descending)'),
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
    options: [opt('text', 'Text', 'string', { width: 'full' }), opt('color', 'Color')],
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
      opt('dateField', 'Date field'),
      opt('valueField', 'Value field (empty = count)'),
      opt('color', 'Color'),
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
    options: [collection, opt('field', 'Field'), fn, opt('max', 'Maximum', 'integer')],
  }),
  definePanel({
    id: 'bar-chart',
    name: 'Bar Chart',
    icon: 'bar_chart',
    description: 'An aggregate per group',
    component: BarChart,
    minWidth: 12,
    minHeight: 8,
    query: (options) => {
      if (!options?.collection || !options?.xAxis) return undefined;
      const f = options.function ?? 'count';
      return {
        collection: options.collection,
        query: { groupBy: options.xAxis, aggregate: { [f]: f === 'count' ? '*' : options.yAxis } },
      };
    },
    options: [collection, opt('xAxis', 'Group by field'), opt('yAxis', 'Value field'), fn, opt('color', 'Color')],
  }),
];
export const interfaces = [];
export const displays = [];
export const layouts = [];
export const modules = [];
export const themes = [];
export const operations = [];
