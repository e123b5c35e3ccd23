import { defineOperationApi } from '@annex/sdk-extension';

export default defineOperationApi({
	id: '__ID__',
	handler: ({ text = '', uppercase = false }, { logger }) => {
		logger.info(`transforming ${text.length} characters`);
		return { text: uppercase ? text.toUpperCase() : text, length: text.length };
	},
});
