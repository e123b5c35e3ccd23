import { log } from 'directus:api';
import { defineSandboxOperation } from '@annex/sdk-extension';

export default defineSandboxOperation({
	id: '__ID__',
	handler: ({ text = '', uppercase = false }) => {
		log(`transforming ${text.length} characters`);
		return { text: uppercase ? text.toUpperCase() : text, length: text.length };
	},
});
