// @ts-check
import { defineInterface } from '@directus/extensions-sdk';
import { field } from '../options.js';
import { withFixedProps } from './fixed-props.js';
import SystemCollectionInterface from './SystemCollectionInterface.vue';
import SystemDisplayTemplateInterface from './SystemDisplayTemplateInterface.vue';
import SystemExtensionSelectInterface from './SystemExtensionSelectInterface.vue';
import SystemFieldInterface from './SystemFieldInterface.vue';
import SystemFieldsInterface from './SystemFieldsInterface.vue';
import SystemFieldTreeInterface from './SystemFieldTreeInterface.vue';
import SystemFilterInterface from './SystemFilterInterface.vue';
import SystemFlowSelectInterface from './SystemFlowSelectInterface.vue';
import SystemFolderInterface from './SystemFolderInterface.vue';
import SystemInputPasswordInterface from './SystemInputPasswordInterface.vue';
import SystemLanguageInterface from './SystemLanguageInterface.vue';
import SystemRawEditorInterface from './SystemRawEditorInterface.vue';
import SystemTokenInterface from './SystemTokenInterface.vue';
import TextStringInterface from './TextStringInterface.vue';

/*
 * Directus's system interfaces: the pickers extensions name in the option forms they declare (a
 * panel's collection, an operation's folder, a template body with `{{ placeholders }}`…), under
 * Directus's ids and option names. Marked `system`, so the data model does not offer them for a
 * field of a collection.
 */
const system = (id, name, icon, component, types, options = []) =>
  defineInterface({ id, name, icon, component, types, system: true, options });
const INCLUDE_SYSTEM = {
  ...field('includeSystem', 'Include system collections', 'boolean', { interface: 'boolean', width: 'half' }),
  schema: { default_value: false },
};

export const systemInterfaces = [
  system(
    'system-collection',
    'Collection',
    'featured_play_list',
    SystemCollectionInterface,
    ['string'],
    [INCLUDE_SYSTEM],
  ),
  system(
    'system-collections',
    'Collections',
    'featured_play_list',
    withFixedProps(SystemCollectionInterface, { multiple: true }),
    ['json', 'csv'],
    [INCLUDE_SYSTEM],
  ),
  system('system-field', 'Field', 'list', SystemFieldInterface, ['string']),
  system('system-fields', 'Fields', 'list', SystemFieldsInterface, ['json', 'csv']),
  system('system-field-tree', 'Field tree', 'account_tree', SystemFieldTreeInterface, ['json', 'csv']),
  system('system-display-template', 'Display Template', 'text_fields', SystemDisplayTemplateInterface, ['string']),
  system('system-filter', 'Filter', 'search', SystemFilterInterface, ['json']),
  system('system-folder', 'Folder', 'folder', SystemFolderInterface, ['uuid']),
  system('system-language', 'Language', 'translate', SystemLanguageInterface, ['string']),
  system(
    'system-raw-editor',
    'Raw editor',
    'code',
    SystemRawEditorInterface,
    ['string', 'text', 'json'],
    [field('placeholder', 'Placeholder', 'string', { width: 'half' })],
  ),
  system('system-input-password', 'Password', 'lock', SystemInputPasswordInterface, ['string']),
  system('system-token', 'Token', 'vpn_key', SystemTokenInterface, ['hash', 'string']),
  system('system-input-translated-string', 'Translated string', 'translate', TextStringInterface, ['string', 'text']),
  system(
    'system-interface',
    'Interface',
    'design_services',
    withFixedProps(SystemExtensionSelectInterface, { kind: 'interfaces' }),
    ['string'],
  ),
  system(
    'system-display',
    'Display',
    'visibility',
    withFixedProps(SystemExtensionSelectInterface, { kind: 'displays' }),
    ['string'],
  ),
  system('system-flow-select', 'Flow', 'bolt', SystemFlowSelectInterface, ['uuid', 'string']),
  system(
    'system-manual-flow-select',
    'Manual flow',
    'bolt',
    withFixedProps(SystemFlowSelectInterface, { manualOnly: true }),
    ['uuid', 'string'],
  ),
];
