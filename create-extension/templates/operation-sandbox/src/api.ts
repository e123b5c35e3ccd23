import { log } from 'directus:api';
import { defineSandboxOperation } from '@annex/sdk-extension';

type Options = { text?: string; uppercase?: boolean };

export default defineSandboxOperation<Options>({
	id: '__ID__',
	handler: ({ text = '', uppercase = false }) => {
		log(`transforming ${text.length} characters`);
		return { text: uppercase ? text.toUpperCase() : text, length: text.length };
	},
});
