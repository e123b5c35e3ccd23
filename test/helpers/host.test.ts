import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from './host.js';

/** The test helpers check every setup call: a denial test must not pass because its grant silently failed. */
describe('test helpers: createUser', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startHost();
    await createCollection(t, 'notes', { title: 'string' });
    await t.api('POST', '/items/notes', { title: 'n1' });
  });
  afterAll(() => t?.close());

  it('a user whose grants were all created can use them (control)', async () => {
    const u = await createUser(t, 'reader', [{ collection: 'notes', action: 'read' }]);
    expect((await t.api('GET', '/items/notes?fields=title', undefined, u.token)).body.data).toEqual([{ title: 'n1' }]);
  });

  it('a grant the host refuses fails the setup instead of leaving a user without it', async () => {
    // `fields` must be a list of strings: the host answers 400 INVALID_PAYLOAD for this grant.
    await expect(
      createUser(t, 'broken', [
        { collection: 'notes', action: 'read' },
        { collection: 'notes', action: 'read', fields: 42 as unknown as string },
      ]),
    ).rejects.toThrow(/createUser broken: permission .* 400 .*INVALID_PAYLOAD/);
  });

  it('a duplicate user fails the setup too', async () => {
    await createUser(t, 'twice', []);
    await expect(createUser(t, 'twice', [])).rejects.toThrow(/createUser twice: (role|user)/);
  });
});
