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
import TranslationsInterface from './TranslationsInterface.vue';
import GroupRawInterface from './groups/GroupRawInterface.vue';
import GroupDetailInterface from './groups/GroupDetailInterface.vue';
import GroupAccordionInterface from './groups/GroupAccordionInterface.vue';
import { moreInterfaces } from './more/definitions.js';
import { systemInterfaces } from './more/system.js';
import { field, LIST_OPTIONS, NUMBERS, OPEN_CLOSED } from './options.js';

const ACCORDION_START = [
  { text: 'All closed', value: 'closed' },
  { text: 'First opened', value: 'first' },
  { text: 'All opened', value: 'opened' },
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
  // Directus's translations: the item's fields per language of a languages collection (a
  // many-to-many through `<collection>_translations`).
  defineInterface({
    id: 'translations',
    name: 'Translations',
    icon: 'translate',
    component: TranslationsInterface,
    types: ['alias'],
    localTypes: ['translations'],
    group: 'relational',
    relational: true,
    options: [
      field('languageField', 'Language indicator field (of the languages collection)', 'string', {
        options: { placeholder: 'name' },
      }),
      field('languageDirectionField', 'Language direction field', 'string', { options: { placeholder: 'direction' } }),
      field('defaultLanguage', 'Default language', 'string', { options: { placeholder: 'en-US' } }),
      field('userLanguage', "Use the current user's language", 'boolean', { interface: 'boolean' }),
      field('defaultOpenSplitView', 'Open side by side', 'boolean', { interface: 'boolean' }),
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
          width: 'full',
          options: { choices: OPEN_CLOSED },
        }),
        schema: { default_value: 'open' },
      },
      field('headerIcon', 'Header icon', 'string', { interface: 'select-icon', width: 'half' }),
      field('headerColor', 'Header color', 'string', { interface: 'select-color', width: 'half' }),
    ],
  }),
  defineInterface({
    id: 'group-accordion',
    name: 'Accordion',
    icon: 'horizontal_split',
    component: GroupAccordionInterface,
    // As Directus's: the sections carry the titles, so the group has no label of its own.
    hideLabel: true,
    hideLoader: true,
    types: ['alias'],
    localTypes: ['group'],
    group: 'group',
    options: [
      {
        ...field('accordionMode', 'Accordion mode', 'boolean', {
          interface: 'boolean',
          width: 'half',
          options: { label: 'At most one section open' },
        }),
        schema: { default_value: true },
      },
      {
        ...field('start', 'Start', 'string', {
          interface: 'select-dropdown',
          width: 'half',
          options: { choices: ACCORDION_START.slice(0, 2) },
          // "All opened" only where more than one section may be open (Directus's condition).
          conditions: [{ rule: { accordionMode: { _eq: false } }, options: { choices: ACCORDION_START } }],
        }),
        schema: { default_value: 'closed' },
      },
    ],
  }),
  // Directus's other built-in interfaces (more/definitions.js).
  ...moreInterfaces,
  ...systemInterfaces,
];

export const displays = [];
export const layouts = [];
export const modules = [];
export const panels = [];
export const themes = [];
export const operations = [];
