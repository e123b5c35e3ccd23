// @ts-check
import { definePanel, getFieldsFromTemplate, useStores } from '@directus/extensions-sdk';
import Metric from './Metric.vue';
import List from './List.vue';
import Label from './Label.vue';
import TimeSeries from './TimeSeries.vue';
import Meter from './Meter.vue';
import BarChart from './BarChart.vue';
import PieChart from './PieChart.vue';
import Variable from './Variable.vue';
import RelationalVariable from './RelationalVariable.vue';
import LineChart from './LineChart.vue';
import MetricList from './MetricList.vue';
import { precisionGroups } from './chart.js';
import { relatedFieldChoices, relatedOf } from './related.js';

const opt = (field, name, type = 'string', meta = {}) => ({
  field,
  name,
  type,
  meta: { width: 'half', interface: 'input', ...meta },
});
// Directus's aggregate functions, in its order and words.
const FUNCTIONS = [
  ['count', 'Count'],
  ['countDistinct', 'Count (Distinct)'],
  ['avg', 'Average'],
  ['avgDistinct', 'Average (Distinct)'],
  ['sum', 'Sum'],
  ['sumDistinct', 'Sum (Distinct)'],
  ['min', 'Minimum'],
  ['max', 'Maximum'],
].map(([value, text]) => ({ text, value }));
const fnOf = (name, label, choices = FUNCTIONS) =>
  opt(name, label, 'string', { interface: 'select-dropdown', options: { choices } });
const fn = fnOf('function', 'Aggregate function');
const choicesOf = (...pairs) => pairs.map(([value, text]) => ({ value, text }));
const select = (name, label, choices, fallback) => ({
  ...opt(name, label, 'string', { interface: 'select-dropdown', options: { choices } }),
  schema: { default_value: fallback },
});
const flag = (name, label, fallback) => ({
  ...opt(name, label, 'boolean', { interface: 'boolean' }),
  schema: { default_value: fallback },
});
const number = (name, label, fallback) => ({ ...opt(name, label, 'integer'), schema: { default_value: fallback } });
const COMPARISONS = choicesOf(
  ['=', 'Equals'],
  ['!=', "Doesn't equal"],
  ['>', 'Greater than'],
  ['>=', 'Greater than or equal'],
  ['<', 'Less than'],
  ['<=', 'Less than or equal'],
);
/** Directus's conditional styles: a list of `{operator, value, color}` (with `axis` on the bar chart). */
const conditional = (name, withAxis = false) =>
  opt(name, 'Conditional styles', 'json', {
    width: 'full',
    interface: 'list',
    options: {
      template: withAxis ? '{{color}} {{axis}}-Axis {{operator}} {{value}}' : '{{color}} {{operator}} {{value}}',
      fields: [
        ...(withAxis
          ? [
              {
                ...select('axis', 'Axis', choicesOf(['X', 'X-Axis'], ['Y', 'Y-Axis']), 'Y'),
                meta: {
                  width: 'half',
                  interface: 'select-dropdown',
                  options: { choices: choicesOf(['X', 'X-Axis'], ['Y', 'Y-Axis']) },
                },
              },
            ]
          : []),
        {
          ...select('operator', 'Operator', COMPARISONS, withAxis ? '=' : '>='),
          meta: { width: 'half', interface: 'select-dropdown', options: { choices: COMPARISONS } },
        },
        { field: 'value', name: 'Value', type: 'string', meta: { width: 'half', interface: 'input' } },
        { field: 'color', name: 'Color', type: 'string', meta: { width: 'half', interface: 'select-color' } },
      ],
    },
  });
const numberFormat = [
  select(
    'numberStyle',
    'Style',
    choicesOf(['decimal', 'Decimal'], ['currency', 'Currency'], ['percent', 'Percent'], ['unit', 'Unit']),
    'decimal',
  ),
  select(
    'notation',
    'Notation',
    choicesOf(
      ['standard', 'Standard'],
      ['scientific', 'Scientific'],
      ['engineering', 'Engineering'],
      ['compact', 'Compact'],
    ),
    'standard',
  ),
  opt('unit', 'Unit (a currency code or a unit, e.g. EUR, kilogram)'),
  number('minimumFractionDigits', 'Minimum fraction digits', 0),
  number('maximumFractionDigits', 'Maximum fraction digits', 0),
];
/** A filter as Directus's options store it: an object, or JSON text from its older code editor. */
const parsedFilter = (filter) => {
  if (typeof filter !== 'string') return filter && Object.keys(filter).length ? filter : undefined;
  try {
    return JSON.parse(filter);
  } catch {
    return undefined;
  }
};
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

/** One aggregate per value of `groupField`, as Directus asks it: `data` = [{ group: { <field>: value }, <fn>: { <field>: value } }]. */
function groupedQuery(options, groupField, valueField, fallback = 'count') {
  if (!options?.collection || !groupField) return undefined;
  const f = options.function ?? fallback;
  const filter = parsedFilter(options.filter);
  return {
    collection: options.collection,
    query: {
      group: [groupField],
      aggregate: { [f]: [valueField || '*'] },
      ...(filter ? { filter } : {}),
      limit: -1,
    },
  };
}

/**
 * Directus's metric query: one aggregate of `field` (`data` = [{ <fn>: { <field>: value } }]), or
 * with `first` / `last` the field of the first or last item by `sortField`.
 */
function metricQuery(options) {
  if (!options?.collection) return undefined;
  const f = options.function ?? 'count';
  const filter = parsedFilter(options.filter);
  const raw = f === 'first' || f === 'last';
  return {
    collection: options.collection,
    query: raw
      ? {
          fields: [options.field],
          limit: 1,
          ...(options.sortField ? { sort: [`${f === 'last' ? '-' : ''}${options.sortField}`] } : {}),
          ...(filter ? { filter } : {}),
        }
      : { aggregate: { [f]: [options.field || '*'] }, ...(filter ? { filter } : {}) },
  };
}

export const panels = [
  // Directus's metric: an aggregate (or the first / last value by a sort field), formatted, in the
  // color of the last conditional style it meets.
  definePanel({
    id: 'metric',
    name: 'Metric',
    icon: 'functions',
    description: 'One number from a collection',
    component: Metric,
    query: metricQuery,
    minWidth: 8,
    minHeight: 6,
    options: [
      collection,
      fieldOf('field', 'Field', { allowPrimaryKey: true }),
      fnOf('function', 'Aggregate function', [
        ...FUNCTIONS.slice(0, 2),
        { text: 'First', value: 'first' },
        { text: 'Last', value: 'last' },
        ...FUNCTIONS.slice(2),
      ]),
      fieldOf('sortField', 'Sort field (first / last)', { allowPrimaryKey: true }),
      filter,
      flag('abbreviate', 'Abbreviate value', false),
      number('decimals', 'Decimals', 0),
      opt('prefix', 'Prefix', 'string', { options: { trim: false } }),
      opt('suffix', 'Suffix', 'string', { options: { trim: false } }),
      conditional('conditionalFormatting'),
    ],
  }),
  // Directus's list: the latest (or first) items by a sort field, drawn by a display template.
  definePanel({
    id: 'list',
    name: 'List',
    icon: 'list',
    description: 'Items of a collection',
    component: List,
    minWidth: 12,
    minHeight: 6,
    query: (options) => {
      if (!options?.collection) return undefined;
      const pk = useStores().useFieldsStore().getPrimaryKeyFieldForCollection(options.collection)?.field ?? 'id';
      const sort = options.sortField || pk;
      const filter = parsedFilter(options.filter);
      return {
        collection: options.collection,
        query: {
          fields: [pk, ...(options.displayTemplate ? getFieldsFromTemplate(options.displayTemplate) : [])],
          sort: [options.sortDirection === 'asc' ? sort : `-${sort}`],
          limit: options.limit ?? 5,
          ...(filter ? { filter } : {}),
        },
      };
    },
    options: [
      collection,
      number('limit', 'Limit', 5),
      fieldOf('sortField', 'Sort field', { allowPrimaryKey: true, placeholder: 'Primary key' }),
      select('sortDirection', 'Sort direction', choicesOf(['asc', 'Ascending'], ['desc', 'Descending']), 'desc'),
      opt('displayTemplate', 'Display template', 'string', {
        interface: 'system-display-template',
        options: { collectionField: 'collection', placeholder: '{{ field }}' },
      }),
      flag('linkToItem', 'Link to the item', false),
      filter,
    ],
    skipUndefinedKeys: ['displayTemplate'],
  }),
  definePanel({
    id: 'label',
    name: 'Label',
    icon: 'title',
    description: 'A heading',
    component: Label,
    minWidth: 4,
    minHeight: 2,
    options: ({ options } = {}) => [
      opt('text', 'Label', 'string', {
        width: 'full',
        interface: options?.whiteSpace === 'nowrap' || !options?.whiteSpace ? 'input' : 'input-multiline',
      }),
      select(
        'whiteSpace',
        'Text wrap',
        choicesOf(
          ['normal', 'Normal'],
          ['nowrap', 'No wrap'],
          ['pre', 'Preserve'],
          ['pre-wrap', 'Preserve wrap'],
          ['pre-line', 'Preserve line'],
          ['break-spaces', 'Break spaces'],
        ),
        'nowrap',
      ),
      color,
      select(
        'textAlign',
        'Text align',
        choicesOf(['left', 'Left'], ['center', 'Center'], ['right', 'Right'], ['justify', 'Justify']),
        'center',
      ),
      select(
        'fontWeight',
        'Font weight',
        [100, 200, 300, 400, 500, 600, 700, 800, 900].map((value) => ({ value, text: String(value) })),
        800,
      ),
      select(
        'fontStyle',
        'Font style',
        choicesOf(['normal', 'Normal'], ['italic', 'Italic'], ['oblique', 'Oblique']),
        'normal',
      ),
      select(
        'fontSize',
        'Font size',
        choicesOf(['32px', 'Small'], ['48px', 'Medium'], ['64px', 'Large'], ['auto', 'Auto']),
        'auto',
      ),
      select(
        'font',
        'Font',
        choicesOf(['sans-serif', 'Sans serif'], ['serif', 'Serif'], ['monospace', 'Monospace']),
        'sans-serif',
      ),
    ],
  }),
  // Directus's time series: an aggregate per period (`precision`) of a date field over a range up to now.
  definePanel({
    id: 'time-series',
    name: 'Time Series',
    icon: 'show_chart',
    description: 'An aggregate per period, over time',
    component: TimeSeries,
    minWidth: 12,
    minHeight: 6,
    query: (options) => {
      if (!options?.collection || !options.dateField || !options.function || !options.valueField) return undefined;
      const range = options.range ?? '1 week';
      const rules = [parsedFilter(options.filter)].filter(Boolean);
      if (range !== 'auto')
        rules.push({ [options.dateField]: { _gte: `$NOW(-${range})` } }, { [options.dateField]: { _lte: '$NOW' } });
      return {
        collection: options.collection,
        query: {
          group: precisionGroups(options.precision, options.dateField),
          aggregate: { [options.function]: [options.valueField] },
          filter: { _and: rules },
          limit: -1,
        },
      };
    },
    options: [
      collection,
      color,
      fn,
      select(
        'precision',
        'Group precision',
        choicesOf(
          ['second', 'Second'],
          ['minute', 'Minute'],
          ['hour', 'Hour'],
          ['day', 'Day'],
          ['week', 'Week'],
          ['month', 'Month'],
          ['year', 'Year'],
        ),
        'hour',
      ),
      fieldOf('dateField', 'Date field', { typeAllowList: ['date', 'dateTime', 'timestamp'] }),
      {
        ...opt('range', 'Date range', 'string', {
          interface: 'select-dropdown',
          options: {
            allowOther: true,
            choices: choicesOf(
              ['auto', 'Automatic (based on data)'],
              ['5 minutes', 'Past 5 minutes'],
              ['15 minutes', 'Past 15 minutes'],
              ['30 minutes', 'Past 30 minutes'],
              ['1 hour', 'Past hour'],
              ['4 hours', 'Past 4 hours'],
              ['1 day', 'Past day'],
              ['2 days', 'Past 2 days'],
              ['1 week', 'Past week'],
              ['1 month', 'Past month'],
              ['3 months', 'Past 3 months'],
            ),
          },
        }),
        schema: { default_value: '1 week' },
      },
      fieldOf('valueField', 'Value field', { allowPrimaryKey: true }),
      number('decimals', 'Value decimals', 0),
      opt('min', 'Min value', 'integer', { options: { placeholder: 'Automatic' } }),
      opt('max', 'Max value', 'integer', { options: { placeholder: 'Automatic' } }),
      select(
        'curveType',
        'Curve type',
        choicesOf(['smooth', 'Smooth'], ['straight', 'Straight'], ['stepline', 'Stepline']),
        'smooth',
      ),
      select(
        'fillType',
        'Fill type',
        choicesOf(['gradient', 'Gradient'], ['solid', 'Solid'], ['disabled', 'Disabled']),
        'gradient',
      ),
      filter,
      flag('showXAxis', 'Show X axis', true),
      flag('showYAxis', 'Show Y axis', true),
    ],
  }),
  // Directus's line chart: each item's yAxis against its xAxis, or with `group` an aggregate of
  // xAxis per group.
  definePanel({
    id: 'line-chart',
    name: 'Line Chart',
    icon: 'show_chart',
    description: 'Values along an axis',
    component: LineChart,
    minWidth: 12,
    minHeight: 10,
    query: (options) => {
      if (!options?.collection || !options.xAxis) return undefined;
      const filter = parsedFilter(options.filter);
      return {
        collection: options.collection,
        query: {
          ...(options.group
            ? { group: [options.group], aggregate: { [options.function ?? 'count']: [options.xAxis] } }
            : { fields: [options.yAxis, options.xAxis].filter(Boolean) }),
          ...(filter ? { filter } : {}),
          limit: -1,
        },
      };
    },
    options: [
      collection,
      fieldOf('xAxis', 'X axis', {
        allowPrimaryKey: true,
        typeAllowList: ['integer', 'bigInteger', 'float', 'decimal'],
      }),
      fieldOf('yAxis', 'Y axis', { allowPrimaryKey: true }),
      fieldOf('group', 'Group aggregation', { allowPrimaryKey: true }),
      fn,
      filter,
      number('decimals', 'Value decimals', 2),
      color,
      select(
        'showAxisLabels',
        'Show axis labels',
        choicesOf(['both', 'Both'], ['yOnly', 'Y only'], ['xOnly', 'X only'], ['none', 'None']),
        'both',
      ),
      flag('showMarker', 'Show markers', true),
      select(
        'curveType',
        'Curve type',
        choicesOf(['smooth', 'Smooth'], ['straight', 'Straight'], ['stepline', 'Stepline']),
        'smooth',
      ),
    ],
  }),
  // Directus's meter: an aggregate (`fn`) of a field against `max`, on a full or half ring.
  definePanel({
    id: 'meter',
    name: 'Meter',
    icon: 'speed',
    description: 'A value against a maximum',
    component: Meter,
    minWidth: 10,
    minHeight: 10,
    query: (options) => {
      if (!options?.collection || !options.field) return undefined;
      const filter = parsedFilter(options.filter);
      return {
        collection: options.collection,
        query: { aggregate: { [options.fn ?? 'count']: [options.field] }, ...(filter ? { filter } : {}) },
      };
    },
    options: [
      collection,
      fieldOf('field', 'Field', { allowPrimaryKey: true }),
      fnOf('fn', 'Function'),
      { ...opt('max', 'Max', 'float', { options: { placeholder: '100', min: 1 } }), schema: { default_value: 100 } },
      filter,
      select('size', 'Size', choicesOf(['full', 'Full circle'], ['half', 'Half circle']), 'full'),
      {
        ...opt('strokeWidth', 'Stroke width', 'integer', {
          interface: 'select-dropdown',
          options: {
            choices: [
              { text: 'Thin', value: 8 },
              { text: 'Medium', value: 20 },
              { text: 'Broad', value: 48 },
            ],
          },
        }),
        schema: { default_value: 20 },
      },
      color,
      flag('roundedStroke', 'Rounded stroke', false),
      conditional('conditionalFill'),
    ],
  }),
  // Directus's bar chart: an aggregate of yAxis per xAxis value (max by default), vertical or
  // horizontal, each bar in the color of the last conditional fill it meets.
  definePanel({
    id: 'bar-chart',
    name: 'Bar Chart',
    icon: 'bar_chart',
    description: 'An aggregate per group',
    component: BarChart,
    minWidth: 12,
    minHeight: 10,
    query: (options) => {
      const primary = options?.yAxis ? groupedQuery(options, options.xAxis, options.yAxis, 'max') : undefined;
      // Directus's `xAxisDisplayField`: a many-to-one X axis labelled by a field of the related items.
      const related = primary && options.xAxisDisplayField ? relatedOf(options.collection, options.xAxis) : null;
      if (!related) return primary;
      return [
        primary,
        { collection: related.collection, query: { fields: [related.pk, options.xAxisDisplayField], limit: -1 } },
      ];
    },
    options: ({ options } = {}) => [
      collection,
      flag('horizontal', 'Horizontal', false),
      fieldOf('xAxis', 'X axis', { allowPrimaryKey: true }),
      {
        ...opt('xAxisDisplayField', 'X axis display field', 'string', {
          interface: 'select-dropdown',
          options: { allowNone: true, choices: relatedFieldChoices(options?.collection, options?.xAxis) },
          hidden: !relatedOf(options?.collection, options?.xAxis),
        }),
      },
      fieldOf('yAxis', 'Y axis', { allowPrimaryKey: true }),
      { ...fnOf('function', 'Y axis function'), schema: { default_value: 'max' } },
      number('decimals', 'Value decimals', 2),
      color,
      filter,
      select(
        'showAxisLabels',
        'Show axis labels',
        choicesOf(['both', 'Both'], ['yOnly', 'Y only'], ['xOnly', 'X only'], ['none', 'None']),
        'both',
      ),
      flag('showDataLabel', 'Show data labels', true),
      conditional('conditionalFill', true),
    ],
  }),
  // Directus's metric list: the top groups of a collection by an aggregate.
  definePanel({
    id: 'metric-list',
    name: 'Metric List',
    icon: 'format_list_numbered_rtl',
    description: 'The top groups by an aggregate',
    component: MetricList,
    minWidth: 12,
    minHeight: 6,
    query: (options) => {
      if (!options?.collection || !options.groupByField) return undefined;
      const f = options.aggregateFunction ?? 'count';
      const field = options.aggregateField || '*';
      const filter = parsedFilter(options.filter);
      return {
        collection: options.collection,
        query: {
          group: [options.groupByField],
          aggregate: { [f]: [field] },
          sort: [`${options.sortDirection === 'asc' ? '' : '-'}${f}.${field}`],
          limit: options.limit ?? 5,
          ...(filter ? { filter } : {}),
        },
      };
    },
    options: [
      collection,
      number('limit', 'Limit', 5),
      fieldOf('groupByField', 'Group by field', { allowPrimaryKey: true }),
      fieldOf('aggregateField', 'Aggregated field', { allowPrimaryKey: true }),
      fnOf('aggregateFunction', 'Aggregate function', FUNCTIONS.slice(0, 6)),
      select('sortDirection', 'Sort direction', choicesOf(['asc', 'Ascending'], ['desc', 'Descending']), 'desc'),
      filter,
      opt('prefix', 'Prefix', 'string', { options: { trim: false } }),
      opt('suffix', 'Suffix', 'string', { options: { trim: false } }),
      ...numberFormat,
      conditional('conditionalFormatting'),
    ],
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
