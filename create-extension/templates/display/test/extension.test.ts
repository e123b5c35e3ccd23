import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppExtension } from '@annex/sdk-extension/testing';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('__ID__ display', () => {
	it('builds and exports its config', async () => {
		const { config } = await loadAppExtension({ dir });
		expect(config?.id).toBe('__ID__');
		const handler = config?.handler as (value: unknown, options: null, context: object) => string | null;
		expect(handler('hello', null, {})).toBe('HELLO');
	}, 30_000);
});
