// @ts-check
import { defineInterface } from '@directus/extensions-sdk';
import RelationalListInterface from '../RelationalListInterface.vue';
import PresentationDividerInterface from './PresentationDividerInterface.vue';
import PresentationNoticeInterface from './PresentationNoticeInterface.vue';
import SelectRadioInterface from './SelectRadioInterface.vue';
import SelectMultipleInterface from './SelectMultipleInterface.vue';
import SelectMultipleCheckboxInterface from './SelectMultipleCheckboxInterface.vue';
import SelectColorInterface from './SelectColorInterface.vue';
import SelectIconInterface from './SelectIconInterface.vue';
import InputHashInterface from './InputHashInterface.vue';
import ListInterface from './ListInterface.vue';
import FileInterface from './FileInterface.vue';
import FileImageInterface from './FileImageInterface.vue';
import RichTextHtmlInterface from './RichTextHtmlInterface.vue';
import RichTextMarkdownInterface from './RichTextMarkdownInterface.vue';
import CollectionItemDropdownInterface from './CollectionItemDropdownInterface.vue';
import InputAutocompleteApiInterface from './InputAutocompleteApiInterface.vue';
import { field, LIST_OPTIONS } from '../options.js';

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
export const moreInterfaces = [
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
    options: [...LIST_OPTIONS, field('folder', 'Folder for new uploads', 'uuid', { interface: 'system-folder' })],
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
    options: [field('folder', 'Folder for new uploads', 'uuid', { interface: 'system-folder' })],
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
      field('folder', 'Folder for new uploads', 'uuid', { interface: 'system-folder', width: 'half' }),
      {
        ...field('crop', 'Crop to fit', 'boolean', { interface: 'boolean', width: 'half' }),
        schema: { default_value: true },
      },
    ],
  }),
];
