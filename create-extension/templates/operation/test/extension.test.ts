import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, loadAppExtension , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ operation', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('transforms the text it is given', async () => {
		harness = await createTestHarness({ dir });
		expect(harness.engine).toBe('trusted');
		const result = await harness.operation({ text: 'hello', uppercase: true }, { data: { $trigger: {} } });
		expect(result).toEqual({ text: 'HELLO', length: 5 });
	}, 30_000);

	it('exports the app half', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		expect(config?.options).toHaveLength(2);
	}, 30_000);
});
