import { defineEndpoint } from '@annex/sdk-extension';

// Mounted at /hello (the entry name).
export default defineEndpoint((router) => {
	router.get('/', (_req, res) => {
		res.json({ hello: '__ID__' });
	});
});
