import { defineOperationApi } from '@annex/sdk-extension';

type Options = { text?: string; uppercase?: boolean };

export default defineOperationApi<Options>({
	id: '__ID__',
	handler: ({ text = '', uppercase = false }, { logger }) => {
		logger.info(`transforming ${text.length} characters`);
		return { text: uppercase ? text.toUpperCase() : text, length: text.length };
	},
});
