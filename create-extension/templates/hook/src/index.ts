import { defineHook } from '@annex/sdk-extension';

/** URL-friendly form of a title. */
export function slugify(title: string): string {
	return title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export default defineHook(({ filter, action }, { logger }) => {
	// Give every new article a slug derived from its title.
	filter('articles.items.create', (payload: Record<string, unknown>) => {
		if (typeof payload.title === 'string' && !payload.slug) return { ...payload, slug: slugify(payload.title) };
		return payload;
	});

	action('articles.items.create', ({ key }) => {
		logger.info(`article ${String(key)} created`);
	});
});
