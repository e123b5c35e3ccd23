import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ endpoint', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('answers on its root and reads articles', async () => {
		harness = await createTestHarness({ dir, items: { articles: [{ id: 1, title: 'First' }] } });

		const root = await harness.request('GET', '/');
		expect(root.status).toBe(200);
		expect(root.body).toEqual({ hello: '__ID__' });

		const article = await harness.request('GET', '/articles/1');
		expect(article.body).toEqual({ data: { id: 1, title: 'First' } });

		const missing = await harness.request('GET', '/articles/2');
		expect(missing.status).toBe(403);
	}, 30_000);
});
