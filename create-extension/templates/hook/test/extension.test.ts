import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ hook', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('adds a slug to new articles and logs the creation', async () => {
		harness = await createTestHarness({ dir, items: { articles: [] } });
		const { ItemsService } = harness.services;
		const articles = new ItemsService('articles', { schema: { collections: {}, relations: [] } });
		const key = await articles.createOne({ title: 'Hello World' });

		expect(harness.items('articles')).toEqual([{ id: key, title: 'Hello World', slug: 'hello-world' }]);
		expect(harness.logs).toContainEqual({ level: 'info', message: `article ${key} created` });
	}, 30_000);
});
