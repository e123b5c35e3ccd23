import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppExtension } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ module', () => {
	it('builds and exports its config', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		const routes = config?.routes as { path: string }[];
		expect(routes.map((r) => r.path)).toEqual(['']);
	}, 30_000);
});
