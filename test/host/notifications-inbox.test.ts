import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';

// Directus's app-access minimal permissions for notifications: a user's own inbox, archived by status.
let t: TestHost;
let ann: { token: string; userId: string };
let bob: { token: string; userId: string };
beforeAll(async () => {
  t = await startHost();
  ann = await createUser(t, 'inbox-ann', []);
  bob = await createUser(t, 'inbox-bob', []);
  for (const [recipient, subject] of [
    [ann.userId, 'For Ann'],
    [bob.userId, 'For Bob'],
  ])
    expect((await t.api('POST', '/notifications', { recipient, subject, status: 'inbox' })).status).toBe(200);
});
afterAll(() => t?.close());

describe("an app user's notifications", () => {
  it('are theirs to read, nobody else’s', async () => {
    const mine = await t.api('GET', '/notifications?fields=subject,recipient', undefined, ann.token);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([{ subject: 'For Ann', recipient: ann.userId }]);
  });

  it('are archived by their status, and nothing else of them changes', async () => {
    const [own] = (await t.api('GET', '/notifications?fields=id', undefined, ann.token)).body.data;
    expect((await t.api('PATCH', `/notifications/${own.id}`, { status: 'archived' }, ann.token)).status).toBe(200);
    expect((await t.api('GET', `/notifications/${own.id}`)).body.data.status).toBe('archived');
    expect((await t.api('PATCH', `/notifications/${own.id}`, { subject: 'Changed' }, ann.token)).status).toBe(403);
    const [others] = (await t.api('GET', `/notifications?filter[recipient][_eq]=${bob.userId}&fields=id`)).body.data;
    expect((await t.api('PATCH', `/notifications/${others.id}`, { status: 'archived' }, ann.token)).status).toBe(403);
    expect((await t.api('GET', `/notifications/${others.id}`)).body.data.status).toBe('inbox');
    // Nor may they send one.
    expect((await t.api('POST', '/notifications', { recipient: bob.userId, subject: 'Spam' }, ann.token)).status).toBe(
      403,
    );
  });
});
