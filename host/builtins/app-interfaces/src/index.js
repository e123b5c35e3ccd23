// @ts-check
import { defineInterface } from '@directus/extensions-sdk';
import InputInterface from './InputInterface.vue';
import TextareaInterface from './TextareaInterface.vue';
import BooleanInterface from './BooleanInterface.vue';
import DatetimeInterface from './DatetimeInterface.vue';
import SelectInterface from './SelectInterface.vue';
import TagsInterface from './TagsInterface.vue';
import SliderInterface from './SliderInterface.vue';
import ManyToOneInterface from './ManyToOneInterface.vue';
import InputCodeInterface from './InputCodeInterface.vue';
import RelationalListInterface from './RelationalListInterface.vue';
import GroupRawInterface from './groups/GroupRawInterface.vue';
import GroupDetailInterface from './groups/GroupDetailInterface.vue';
import GroupAccordionInterface from './groups/GroupAccordionInterface.vue';
import PresentationDividerInterface from './more/PresentationDividerInterface.vue';
import PresentationNoticeInterface from './more/PresentationNoticeInterface.vue';
import SelectRadioInterface from './more/SelectRadioInterface.vue';
import SelectMultipleInterface from './more/SelectMultipleInterface.vue';
import SelectMultipleCheckboxInterface from './more/SelectMultipleCheckboxInterface.vue';
import SelectColorInterface from './more/SelectColorInterface.vue';
import SelectIconInterface from './more/SelectIconInterface.vue';
import SystemFieldInterface from './more/SystemFieldInterface.vue';
import SystemDisplayTemplateInterface from './more/SystemDisplayTemplateInterface.vue';
import TextStringInterface from './more/TextStringInterface.vue';
import InputHashInterface from './more/InputHashInterface.vue';
import ListInterface from './more/ListInterface.vue';
import FileInterface from './more/FileInterface.vue';
import FileImageInterface from './more/FileImageInterface.vue';
import SystemFilterInterface from './more/SystemFilterInterface.vue';
import RichTextHtmlInterface from './more/RichTextHtmlInterface.vue';
import RichTextMarkdownInterface from './more/RichTextMarkdownInterface.vue';
import CollectionItemDropdownInterface from './more/CollectionItemDropdownInterface.vue';
import InputAutocompleteApiInterface from './more/InputAutocompleteApiInterface.vue';

const field = (name, label, type, meta = {}) => ({
  field: name,
  name: label,
  type,
  meta: { width: 'full', interface: 'input', ...meta },
});
const NUMBERS = ['integer', 'bigInteger', 'float', 'decimal'];
const OPEN_CLOSED = [
  { text: 'Open', value: 'open' },
  { text: 'Closed', value: 'closed' },
];
// list-o2m / list-m2m options with Directus's names and defaults.
const LIST_OPTIONS = [
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

export const interfaces = [
  defineInterface({
    id: 'input',
    name: 'Input',
    icon: 'text_fields',
    component: InputInterface,
    types: ['string', 'uuid', ...NUMBERS],
    group: 'standard',
    options: [
      field('placeholder', 'Placeholder', 'string'),
      field('trim', 'Trim', 'boolean', { interface: 'boolean' }),
    ],
  }),
  defineInterface({
    id: 'input-multiline',
    name: 'Textarea',
    icon: 'text_snippet',
    component: TextareaInterface,
    types: ['text', 'string'],
    group: 'standard',
    options: [field('placeholder', 'Placeholder', 'string')],
  }),
  defineInterface({
    id: 'boolean',
    name: 'Toggle',
    icon: 'check_box',
    component: BooleanInterface,
    types: ['boolean'],
    group: 'selection',
    options: [field('label', 'Label', 'string')],
  }),
  defineInterface({
    id: 'datetime',
    name: 'Datetime',
    icon: 'today',
    component: DatetimeInterface,
    types: ['dateTime', 'date', 'time', 'timestamp'],
    group: 'selection',
    options: null,
  }),
  defineInterface({
    id: 'select-dropdown',
    name: 'Dropdown',
    icon: 'arrow_drop_down_circle',
    component: SelectInterface,
    types: ['string', 'integer', 'float', 'bigInteger'],
    group: 'selection',
    options: [
      field('choices', 'Choices', 'json', { interface: 'tags' }),
      field('allowNone', 'Allow none', 'boolean', { interface: 'boolean' }),
    ],
  }),
  defineInterface({
    id: 'tags',
    name: 'Tags',
    icon: 'local_offer',
    component: TagsInterface,
    types: ['json', 'csv'],
    group: 'selection',
    options: [field('placeholder', 'Placeholder', 'string')],
  }),
  defineInterface({
    id: 'slider',
    name: 'Slider',
    icon: 'linear_scale',
    component: SliderInterface,
    types: NUMBERS,
    group: 'selection',
    options: [
      field('minValue', 'Minimum', 'integer'),
      field('maxValue', 'Maximum', 'integer'),
      field('stepInterval', 'Step', 'integer'),
    ],
  }),
  defineInterface({
    id: 'select-dropdown-m2o',
    name: 'Many to One',
    icon: 'call_merge',
    component: ManyToOneInterface,
    types: ['integer', 'bigInteger', 'uuid', 'string'],
    localTypes: ['m2o'],
    group: 'relational',
    relational: true,
    options: [
      field('relatedCollection', 'Related collection', 'string'),
      field('template', 'Display template', 'string'),
    ],
  }),
  defineInterface({
    id: 'input-code',
    name: 'Code',
    icon: 'code',
    component: InputCodeInterface,
    types: ['json', 'string', 'text'],
    group: 'standard',
    options: [
      field('language', 'Language', 'string'),
      field('lineNumber', 'Line numbers', 'boolean', { interface: 'boolean' }),
      field('template', 'Template', 'text', { interface: 'input-code' }),
      field('placeholder', 'Placeholder', 'string'),
    ],
  }),
  // Directus's core relational list interfaces: both edit the related rows through one change set.
  defineInterface({
    id: 'list-o2m',
    name: 'One to Many',
    icon: 'arrow_right_alt',
    component: RelationalListInterface,
    types: ['alias'],
    localTypes: ['o2m'],
    group: 'relational',
    relational: true,
    options: LIST_OPTIONS,
  }),
  defineInterface({
    id: 'list-m2m',
    name: 'Many to Many',
    icon: 'import_export',
    component: RelationalListInterface,
    types: ['alias'],
    localTypes: ['m2m'],
    group: 'relational',
    relational: true,
    options: [
      ...LIST_OPTIONS,
      field('junctionFieldLocation', 'Junction fields location', 'string', {
        interface: 'select-dropdown',
        options: {
          choices: [
            { text: 'Top', value: 'top' },
            { text: 'Bottom', value: 'bottom' },
          ],
        },
      }),
      field('allowDuplicates', 'Allow duplicates', 'boolean', { interface: 'boolean' }),
    ],
  }),
  // Directus's group interfaces: an alias field holding the fields whose `meta.group` names it.
  defineInterface({
    id: 'group-raw',
    name: 'Raw group',
    icon: 'view_in_ar',
    component: GroupRawInterface,
    types: ['alias'],
    localTypes: ['group'],
    group: 'group',
    options: [],
  }),
  defineInterface({
    id: 'group-detail',
    name: 'Detail group',
    icon: 'menu_open',
    component: GroupDetailInterface,
    types: ['alias'],
    localTypes: ['group'],
    group: 'group',
    options: [
      {
        ...field('start', 'Start', 'string', {
          interface: 'select-dropdown',
          width: 'half',
          options: { choices: OPEN_CLOSED },
        }),
        schema: { default_value: 'open' },
      },
      field('headerIcon', 'Header icon', 'string', { width: 'half' }),
      field('headerColor', 'Header color', 'string', { width: 'half' }),
    ],
  }),
  defineInterface({
    id: 'group-accordion',
    name: 'Accordion',
    icon: 'horizontal_split',
    component: GroupAccordionInterface,
    types: ['alias'],
    localTypes: ['group'],
    group: 'group',
    options: [
      {
        ...field('accordionMode', 'Accordion mode (one section open at a time)', 'boolean', {
          interface: 'boolean',
          width: 'half',
        }),
        schema: { default_value: true },
      },
      {
        ...field('start', 'Start', 'string', {
          interface: 'select-dropdown',
          width: 'half',
          options: {
            choices: [
              ...OPEN_CLOSED.map((c) => ({ ...c, value: c.value === 'open' ? 'opened' : c.value })),
              { text: 'First opened', value: 'first' },
            ],
          },
        }),
        schema: { default_value: 'closed' },
      },
    ],
  }),
];

/*
 * More of Directus's own interfaces, under its ids and option names: extensions use them in the
 * `options` forms they declare (a divider between sections, a repeater of rows, a field picker…),
 * and a Directus data model names them on its fields.
 */
const CHOICES = field('choices', 'Choices', 'json', {
  interface: 'list',
  options: {
    template: '{{text}}',
    fields: [field('text', 'Text', 'string', { width: 'half' }), field('value', 'Value', 'string', { width: 'half' })],
  },
});
const NOTICE_COLORS = ['normal', 'info', 'success', 'warning', 'danger'].map((c) => ({ text: c, value: c }));
interfaces.push(
  defineInterface({
    id: 'presentation-divider',
    name: 'Divider',
    icon: 'remove',
    component: PresentationDividerInterface,
    types: ['alias'],
    localTypes: ['presentation'],
    group: 'presentation',
    hideLabel: true,
    hideLoader: true,
    options: [
      field('title', 'Title', 'string', { width: 'half' }),
      field('icon', 'Icon', 'string', { interface: 'select-icon', width: 'half' }),
      field('color', 'Color', 'string', { interface: 'select-color', width: 'half' }),
      field('inlineTitle', 'Inline title', 'boolean', { interface: 'boolean', width: 'half' }),
    ],
  }),
  defineInterface({
    id: 'presentation-notice',
    name: 'Notice',
    icon: 'info',
    component: PresentationNoticeInterface,
    types: ['alias'],
    localTypes: ['presentation'],
    group: 'presentation',
    hideLabel: true,
    hideLoader: true,
    options: [
      field('color', 'Color', 'string', {
        interface: 'select-dropdown',
        width: 'half',
        options: { choices: NOTICE_COLORS },
      }),
      field('icon', 'Icon', 'string', { interface: 'select-icon', width: 'half' }),
      field('text', 'Text', 'text', { interface: 'input-multiline' }),
    ],
  }),
  defineInterface({
    id: 'select-radio',
    name: 'Radio Buttons',
    icon: 'radio_button_checked',
    component: SelectRadioInterface,
    types: ['string', 'integer', 'float', 'bigInteger'],
    group: 'selection',
    options: [CHOICES, field('allowOther', 'Allow other', 'boolean', { interface: 'boolean' })],
  }),
  defineInterface({
    id: 'select-multiple-dropdown',
    name: 'Dropdown (Multiple)',
    icon: 'arrow_drop_down_circle',
    component: SelectMultipleInterface,
    types: ['json', 'csv'],
    group: 'selection',
    options: [CHOICES, field('placeholder', 'Placeholder', 'string')],
  }),
  defineInterface({
    id: 'select-multiple-checkbox',
    name: 'Checkboxes',
    icon: 'check_box',
    component: SelectMultipleCheckboxInterface,
    types: ['json', 'csv'],
    group: 'selection',
    options: [CHOICES],
  }),
  defineInterface({
    id: 'select-color',
    name: 'Color',
    icon: 'palette',
    component: SelectColorInterface,
    types: ['string'],
    group: 'selection',
    options: [
      field('presets', 'Presets', 'json', {
        interface: 'list',
        options: {
          template: '{{name}}',
          fields: [
            field('name', 'Name', 'string', { width: 'half' }),
            field('color', 'Color', 'string', { interface: 'select-color', width: 'half' }),
          ],
        },
      }),
    ],
  }),
  defineInterface({
    id: 'select-icon',
    name: 'Icon',
    icon: 'insert_emoticon',
    component: SelectIconInterface,
    types: ['string'],
    group: 'selection',
    options: [],
  }),
  defineInterface({
    id: 'list',
    name: 'Repeater',
    icon: 'replay',
    component: ListInterface,
    types: ['json'],
    group: 'standard',
    options: [
      field('template', 'Row header template', 'string', { width: 'half' }),
      field('addLabel', '"Create" button label', 'string', { width: 'half' }),
      field('limit', 'Most rows', 'integer', { width: 'half' }),
      field('fields', 'Fields of a row (Directus field definitions, JSON)', 'json', {
        interface: 'input-code',
        options: { language: 'json' },
      }),
    ],
  }),
  defineInterface({
    id: 'input-hash',
    name: 'Hash',
    icon: 'fingerprint',
    component: InputHashInterface,
    types: ['hash', 'string'],
    group: 'other',
    options: [
      field('placeholder', 'Placeholder', 'string'),
      field('masked', 'Masked', 'boolean', { interface: 'boolean' }),
    ],
  }),
  defineInterface({
    id: 'input-rich-text-html',
    name: 'WYSIWYG',
    icon: 'format_quote',
    component: RichTextHtmlInterface,
    types: ['text', 'string'],
    group: 'standard',
    options: [field('placeholder', 'Placeholder', 'string')],
  }),
  defineInterface({
    id: 'input-rich-text-md',
    name: 'Markdown',
    icon: 'functions',
    component: RichTextMarkdownInterface,
    types: ['text', 'string'],
    group: 'standard',
    options: [field('placeholder', 'Placeholder', 'string')],
  }),
  defineInterface({
    id: 'input-autocomplete-api',
    name: 'Autocomplete Input (API)',
    icon: 'find_in_page',
    component: InputAutocompleteApiInterface,
    types: ['string', 'text', 'integer', 'bigInteger', 'float', 'decimal'],
    group: 'selection',
    options: [
      field('url', 'URL ({{value}} is what was typed)', 'string'),
      field('resultsPath', 'Results path', 'string', { width: 'half' }),
      field('textPath', 'Text path', 'string', { width: 'half' }),
      field('valuePath', 'Value path', 'string', { width: 'half' }),
      field('trigger', 'Trigger', 'string', {
        interface: 'select-dropdown',
        width: 'half',
        options: {
          choices: [
            { text: 'Throttle', value: 'throttle' },
            { text: 'Debounce', value: 'debounce' },
          ],
        },
      }),
      { ...field('rate', 'Rate (ms)', 'integer', { width: 'half' }), schema: { default_value: 500 } },
      field('placeholder', 'Placeholder', 'string', { width: 'half' }),
    ],
  }),
  defineInterface({
    id: 'collection-item-dropdown',
    name: 'Collection Item Dropdown',
    icon: 'view_list',
    component: CollectionItemDropdownInterface,
    types: ['json'],
    group: 'selection',
    options: [
      field('selectedCollection', 'Collection', 'string', { interface: 'system-collection', width: 'half' }),
      field('template', 'Display template', 'string', { width: 'half' }),
      field('filter', 'Filter', 'json', { interface: 'system-filter' }),
    ],
  }),
  // Directus's files: a many-to-many to directus_files through a junction, listed and picked as list-m2m does.
  defineInterface({
    id: 'files',
    name: 'Files',
    icon: 'folder',
    component: RelationalListInterface,
    types: ['alias'],
    localTypes: ['files'],
    group: 'relational',
    relational: true,
    options: LIST_OPTIONS,
  }),
  defineInterface({
    id: 'file',
    name: 'File',
    icon: 'note_add',
    component: FileInterface,
    types: ['uuid'],
    localTypes: ['file'],
    group: 'relational',
    relational: true,
    options: [field('folder', 'Folder (id) for new uploads', 'uuid')],
  }),
  defineInterface({
    id: 'file-image',
    name: 'Image',
    icon: 'insert_photo',
    component: FileImageInterface,
    types: ['uuid'],
    localTypes: ['file'],
    group: 'relational',
    relational: true,
    options: [
      field('folder', 'Folder (id) for new uploads', 'uuid', { width: 'half' }),
      {
        ...field('crop', 'Crop to fit', 'boolean', { interface: 'boolean', width: 'half' }),
        schema: { default_value: true },
      },
    ],
  }),
  // Directus's system interfaces that extensions' option forms use.
  defineInterface({
    id: 'system-field',
    name: 'Field',
    icon: 'list',
    component: SystemFieldInterface,
    types: ['string'],
    system: true,
    options: [],
  }),
  defineInterface({
    id: 'system-display-template',
    name: 'Display Template',
    icon: 'text_fields',
    component: SystemDisplayTemplateInterface,
    types: ['string'],
    system: true,
    options: [],
  }),
  defineInterface({
    id: 'system-filter',
    name: 'Filter',
    icon: 'filter_list',
    component: SystemFilterInterface,
    types: ['json'],
    system: true,
    options: [],
  }),
  defineInterface({
    id: 'system-input-translated-string',
    name: 'Translated string',
    icon: 'translate',
    component: TextStringInterface,
    types: ['string', 'text'],
    system: true,
    options: [],
  }),
);

export const displays = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
