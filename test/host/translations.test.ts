import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

/** Directus's custom translations: `/translations` rows, read by every app user, written by an administrator. */
describe('/translations', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
  });
  afterAll(async () => t?.close());

  it('stores translations an administrator writes, which every app user reads and none changes', async () => {
    const created = await t.api('POST', '/translations', { language: 'en-US', key: 'stage.draft', value: 'Draft' });
    expect(created.status).toBe(200);
    expect(created.body.data.id).toMatch(/^[0-9a-f-]{36}$/);
    const { token } = await createUser(t, 'reader', []);
    expect((await t.api('GET', '/translations?fields=key,value', undefined, token)).body.data).toEqual([
      { key: 'stage.draft', value: 'Draft' },
    ]);
    expect((await t.api('POST', '/translations', { language: 'en-US', key: 'x', value: 'y' }, token)).status).toBe(403);
    expect((await t.api('GET', '/translations', undefined, null)).status).toBe(403);
    const missing = await t.api('POST', '/translations', { language: 'en-US', key: 'no.value' });
    expect(missing.status).toBe(400);
  });
});
