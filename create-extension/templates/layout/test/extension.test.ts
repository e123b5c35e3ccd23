import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppExtension } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ layout', () => {
	it('builds and exports its config', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		const setup = config?.setup as (props: { collection: string }, ctx: { emit: () => void }) => { title: { value: string }; collection: { value: string } };
		const state = setup({ collection: 'articles' }, { emit: () => {} });
		expect(state.collection.value).toBe('articles');
	}, 30_000);
});
