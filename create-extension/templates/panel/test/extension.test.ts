import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppExtension } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ panel', () => {
	it('builds and exports its config', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		expect(config?.minWidth).toBe(12);
		expect(config?.options).toHaveLength(1);
	}, 30_000);
});
