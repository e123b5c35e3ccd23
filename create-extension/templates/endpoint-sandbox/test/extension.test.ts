import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ sandboxed endpoint', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('answers GET / and echoes POST bodies', async () => {
		harness = await createTestHarness({ dir });
		expect(harness.engine).toBe('process'); // the real sandbox, in a worker process

		const root = await harness.request('GET', '/');
		expect(root).toMatchObject({ status: 200, body: { hello: '__ID__' } });

		const echo = await harness.request('POST', '/echo', { body: { a: 1 } });
		expect(echo).toMatchObject({ status: 201, headers: { 'x-echo': 'yes' }, body: { a: 1 } });
		expect(harness.logs).toHaveLength(1);
	}, 30_000);
});
