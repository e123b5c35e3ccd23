import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

/** Item changes in directus_activity and directus_revisions, as Directus records them. */
let t: TestHost;
let adminId: string;
let writer: { token: string; userId: string };

beforeAll(async () => {
  t = await startHost();
  adminId = (await t.api('GET', '/users/me')).body.data.id;
  await createCollection(t, 'notes', { text: 'string', views: 'integer' });
  writer = await createUser(t, 'writer', [
    { collection: 'notes', action: 'create' },
    { collection: 'notes', action: 'read' },
  ]);
});
afterAll(() => t?.close());

const history = async (collection: string, item: string | number) => {
  const activity = (
    await t.api('GET', `/activity?filter[collection][_eq]=${collection}&filter[item][_eq]=${item}&sort=id`)
  ).body.data;
  const revisions = (
    await t.api('GET', `/revisions?filter[collection][_eq]=${collection}&filter[item][_eq]=${item}&sort=id`)
  ).body.data;
  return { activity, revisions };
};

describe('item history', () => {
  it('records create, update and delete with who did it; revisions hold the item after each change and the change', async () => {
    const id = (await t.api('POST', '/items/notes', { text: 'first', views: 1 })).body.data.id;
    await t.api('PATCH', `/items/notes/${id}`, { text: 'second' });
    await t.api('DELETE', `/items/notes/${id}`);
    const { activity, revisions } = await history('notes', id);
    expect(activity.map((a: any) => [a.action, a.user])).toEqual([
      ['create', adminId],
      ['update', adminId],
      ['delete', adminId],
    ]);
    expect(revisions).toHaveLength(2);
    expect(revisions[0]).toMatchObject({
      activity: activity[0].id,
      data: { id, text: 'first', views: 1 },
      delta: { text: 'first', views: 1 },
    });
    expect(revisions[1]).toMatchObject({
      activity: activity[1].id,
      data: { id, text: 'second', views: 1 },
      delta: { text: 'second' },
    });
  });

  it("attributes a user's change to that user and address", async () => {
    const id = (await t.api('POST', '/items/notes', { text: 'by writer' }, writer.token)).body.data.id;
    const { activity } = await history('notes', id);
    expect(activity[0]).toMatchObject({ action: 'create', user: writer.userId, ip: '127.0.0.1' });
    // Reading the history needs permission on it.
    expect((await t.api('GET', '/revisions', undefined, writer.token)).status).toBe(403);
    expect((await t.api('POST', '/revisions', { collection: 'notes', item: '1' })).status).toBe(404);
  });

  it('a user editing their own profile is the one on record', async () => {
    await t.api('PATCH', '/users/me', { first_name: 'Wendy' }, writer.token);
    const { activity, revisions } = await history('directus_users', writer.userId);
    expect(activity.at(-1)).toMatchObject({ action: 'update', user: writer.userId, origin: 'users/me' });
    expect(revisions.at(-1).delta).toEqual({ first_name: 'Wendy' });
  });

  it('masks concealed fields (passwords, tokens) in revisions', async () => {
    await t.api('PATCH', `/users/${writer.userId}`, { password: 'a-new-secret', token: 'a-new-token' });
    const { revisions } = await history('directus_users', writer.userId);
    const last = revisions.at(-1);
    expect(last.delta).toEqual({ password: '**********', token: '**********' });
    expect(JSON.stringify(revisions)).not.toContain('a-new-secret');
    expect(JSON.stringify(revisions)).not.toContain('a-new-token');
    expect(last.data.password).toBe('**********');
  });

  it('writes nothing for a batch that failed and was rolled back', async () => {
    const before = (await t.api('GET', '/activity?filter[collection][_eq]=notes&aggregate[count]=*')).body.data[0]
      .count;
    const res = await t.api('POST', '/items/notes', [{ text: 'ok' }, { text: 'x', views: 'not a number' }]);
    expect(res.status).toBe(400);
    const after = (await t.api('GET', '/activity?filter[collection][_eq]=notes&aggregate[count]=*')).body.data[0].count;
    expect(Number(after)).toBe(Number(before));
  });
});
