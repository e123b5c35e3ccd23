import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ sandboxed hook', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('adds a slug in the filter and logs in the action', async () => {
		harness = await createTestHarness({ dir });
		expect(harness.engine).toBe('process'); // the real sandbox, in a worker process
		const payload = await harness.filter('articles.items.create', { title: 'Hello World' }, { collection: 'articles' });
		expect(payload).toEqual({ title: 'Hello World', slug: 'hello-world' });

		await harness.action('articles.items.create', { key: 7, collection: 'articles' });
		expect(harness.logs.map((l) => l.message)).toContain('article 7 created');
	}, 30_000);
});
