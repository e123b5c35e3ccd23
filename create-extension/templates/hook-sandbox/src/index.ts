import { log } from 'directus:api';
import { defineSandboxHook } from '@annex/sdk-extension';

/** URL-friendly form of a title. */
export function slugify(title: string): string {
	return title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// Runs in the sandbox: no database, file system or network unless a scope is granted.
export default defineSandboxHook(({ filter, action }) => {
	filter('articles.items.create', (payload: Record<string, unknown>) => {
		if (typeof payload.title === 'string' && !payload.slug) return { ...payload, slug: slugify(payload.title) };
		return payload;
	});

	action('articles.items.create', (meta) => {
		log(`article ${String(meta.key)} created`);
	});
});
