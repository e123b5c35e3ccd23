import { defineEndpoint } from '@annex/sdk-extension';

// Mounted at /__NAME_MOUNT__ (the package name).
export default defineEndpoint((router, { services }) => {
	const { ItemsService } = services;

	router.get('/', (_req, res) => {
		res.json({ hello: '__ID__' });
	});

	router.get('/articles/:id', async (req, res, next) => {
		try {
			const articles = new ItemsService('articles', { schema: req.schema, accountability: req.accountability });
			res.json({ data: await articles.readOne(req.params.id!) });
		} catch (error) {
			next(error);
		}
	});
});
