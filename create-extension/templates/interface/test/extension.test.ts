import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppExtension } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ interface', () => {
	it('builds and exports its config', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		expect(config?.types).toContain('string');
		expect(config?.component).toBeTruthy();
	}, 30_000);
});
