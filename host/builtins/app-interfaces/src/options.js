// @ts-check
/** Option-form helpers shared by the built-in interfaces' definitions (Directus's field shape). */

export const field = (name, label, type, meta = {}) => ({
  field: name,
  name: label,
  type,
  meta: { width: 'full', interface: 'input', ...meta },
});
export const NUMBERS = ['integer', 'bigInteger', 'float', 'decimal'];
export const OPEN_CLOSED = [
  { text: 'Open', value: 'open' },
  { text: 'Closed', value: 'closed' },
];
// list-o2m / list-m2m options with Directus's names and defaults.
export const LIST_OPTIONS = [
  field('template', 'Display template', 'string'),
  {
    ...field('enableCreate', 'Creating items', 'boolean', { interface: 'boolean', width: 'half' }),
    schema: { default_value: true },
  },
  {
    ...field('enableSelect', 'Selecting items', 'boolean', { interface: 'boolean', width: 'half' }),
    schema: { default_value: true },
  },
  field('filter', 'Filter', 'json', { interface: 'input-code', options: { language: 'json' } }),
  field('enableLink', 'Item link', 'boolean', { interface: 'boolean', width: 'half' }),
  { ...field('limit', 'Per page', 'integer', { width: 'half' }), schema: { default_value: 15 } },
  {
    ...field('layout', 'Layout', 'string', {
      interface: 'select-dropdown',
      width: 'half',
      options: {
        choices: [
          { text: 'List', value: 'list' },
          { text: 'Table', value: 'table' },
        ],
      },
    }),
    schema: { default_value: 'list' },
  },
  {
    ...field('tableSpacing', 'Spacing', 'string', {
      interface: 'select-dropdown',
      width: 'half',
      options: {
        choices: [
          { text: 'Compact', value: 'compact' },
          { text: 'Cozy', value: 'cozy' },
          { text: 'Comfortable', value: 'comfortable' },
        ],
      },
    }),
    schema: { default_value: 'cozy' },
  },
  field('fields', 'Table columns (field paths)', 'csv', { interface: 'tags' }),
  field('enableSearchFilter', 'Search', 'boolean', { interface: 'boolean', width: 'half' }),
];
