import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, loadAppExtension , type TestHarness } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ bundle', () => {
	let harness: TestHarness | undefined;
	afterEach(async () => harness?.dispose());

	it('mounts the hello endpoint entry', async () => {
		harness = await createTestHarness({ dir });
		const res = await harness.request('GET', '/hello');
		expect(res).toMatchObject({ status: 200, body: { hello: '__ID__' } });
	}, 30_000);

	it('exports the shout display entry', async () => {
		const { exports } = await loadAppExtension({ dir });
		const displays = exports.displays as { id: string }[];
		expect(displays.map((d) => d.id)).toEqual(['__ID__-shout']);
	}, 30_000);
});
