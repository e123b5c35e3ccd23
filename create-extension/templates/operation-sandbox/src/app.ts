import { defineOperationApp } from '@annex/sdk-extension';

type Options = { text?: string; uppercase?: boolean };

export default defineOperationApp<Options>({
	id: '__ID__',
	name: '__TITLE__',
	icon: 'text_fields',
	description: 'Transforms a text',
	overview: ({ text, uppercase }: Options) => [
		{ label: 'Text', text: String(text ?? '') },
		{ label: 'Uppercase', text: uppercase ? 'yes' : 'no' },
	],
	options: [
		{ field: 'text', name: 'Text', type: 'string', meta: { width: 'full', interface: 'input' } },
		{ field: 'uppercase', name: 'Uppercase', type: 'boolean', meta: { width: 'half', interface: 'boolean' } },
	],
});
