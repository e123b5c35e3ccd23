import { defineOperationApp } from '@annex/sdk-extension';

export default defineOperationApp({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'text_fields',
	description: 'Transforms a text',
	overview: ({ text, uppercase }) => [
		{ label: 'Text', text: String(text ?? '') },
		{ label: 'Uppercase', text: uppercase ? 'yes' : 'no' },
	],
	options: [
		{ field: 'text', name: 'Text', type: 'string', meta: { width: 'full', interface: 'input' } },
		{ field: 'uppercase', name: 'Uppercase', type: 'boolean', meta: { width: 'half', interface: 'boolean' } },
	],
});
