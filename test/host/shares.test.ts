import { authenticateShare, createDirectus, readItem, readShareInfo, rest, withToken } from '@directus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createManyToMany, createUser, startHost, type TestHost } from '../helpers/host.js';

// Directus's shares: one item readable by anyone holding the link (and its password), as a role may.
let t: TestHost;
let shared: number;
let other: number;
beforeAll(async () => {
  t = await startHost({ env: { AUTH_LOGIN_ATTEMPTS: '3' } });
  await createCollection(t, 'articles', { title: 'string', body: 'text' });
  await createCollection(t, 'private', { title: 'string' });
  shared = (await t.api('POST', '/items/articles', { title: 'Shared', body: 'Body' })).body.data.id;
  other = (await t.api('POST', '/items/articles', { title: 'Other', body: 'Secret' })).body.data.id;
  await t.api('POST', '/items/private', { title: 'p' });
});
afterAll(() => t?.close());

const share = async (body: Record<string, unknown> = {}) => {
  const res = await t.api('POST', '/shares', { collection: 'articles', item: shared, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
};
const visit = async (id: string, password?: string) => t.api('POST', '/shares/auth', { share: id, password }, null);

describe('shares', () => {
  it('tells a visitor what is shared and whether it needs a password, never the item or the password', async () => {
    const s = await share({ name: 'For review', password: 'open sesame' });
    expect(s.password).toBe('**********');
    const info = (await t.api('GET', `/shares/info/${s.id}`, undefined, null)).body.data;
    expect(info).toEqual({
      id: s.id,
      collection: 'articles',
      item: String(shared),
      password: '**********',
      max_uses: null,
      times_used: 0,
      date_start: null,
      date_end: null,
    });
    expect((await t.api('GET', '/shares/info/00000000-0000-0000-0000-000000000000', undefined, null)).status).toBe(403);
    // Without a password: null (what Directus's SDK types, `string | null`).
    const open = await share();
    expect((await t.api('GET', `/shares/info/${open.id}`, undefined, null)).body.data.password).toBeNull();
  });

  it("lets the link's holder read that one item, nothing else, and write nothing", async () => {
    const s = await share({ password: 'open sesame' });
    expect((await visit(s.id, 'wrong')).status).toBe(401);
    expect((await visit(s.id)).status).toBe(401);
    const tokens = (await visit(s.id, 'open sesame')).body.data;
    expect(typeof tokens.access_token).toBe('string');
    const as = (method: string, path: string, body?: unknown) => t.api(method, path, body, tokens.access_token);
    expect((await as('GET', `/items/articles/${shared}`)).body.data).toMatchObject({ title: 'Shared', body: 'Body' });
    expect((await as('GET', '/items/articles')).body.data.map((r: { id: number }) => r.id)).toEqual([shared]);
    expect((await as('GET', `/items/articles/${other}`)).status).toBe(403);
    expect((await as('GET', `/items/articles?filter[body][_eq]=Secret`)).body.data).toEqual([]);
    expect((await as('GET', '/items/private')).status).toBe(403);
    expect((await as('PATCH', `/items/articles/${shared}`, { title: 'x' })).status).toBe(403);
    expect((await as('DELETE', `/items/articles/${shared}`)).status).toBe(403);
    expect((await as('GET', '/users/me')).status).toBe(403);
    // What it may do is that one read, not its role's permission rows.
    const me = (await as('GET', '/permissions/me')).body.data;
    expect(Object.keys(me)).toEqual(['articles']);
    expect(me.articles).toMatchObject({
      read: { access: 'partial' },
      update: { access: 'none' },
      delete: { access: 'none' },
    });
    expect((await as('GET', '/shares')).status).toBe(403);
    expect((await as('POST', '/shares', { collection: 'articles', item: other })).status).toBe(403);
    // A refresh gives new tokens for the same share; the old refresh token is spent.
    const again = await t.api('POST', '/auth/refresh', { refresh_token: tokens.refresh_token }, null);
    expect(again.status).toBe(200);
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, again.body.data.access_token)).status).toBe(200);
    expect((await t.api('POST', '/auth/refresh', { refresh_token: tokens.refresh_token }, null)).status).toBe(401);
  });

  it("reads as the share's role may: its fields, and not at all without a read permission", async () => {
    const titles = await createUser(t, 'share-titles', [
      { collection: 'articles', action: 'read', fields: 'id,title' },
    ]);
    const s = await share({ role: titles.roleId });
    const token = (await visit(s.id)).body.data.access_token;
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token)).body.data).toEqual({
      id: shared,
      title: 'Shared',
    });
    const none = await createUser(t, 'share-none', []);
    const closed = await share({ role: none.roleId });
    const token2 = (await visit(closed.id)).body.data.access_token;
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token2)).status).toBe(403);
  });

  it('keeps to its dates and number of uses; deleting it ends its tokens', async () => {
    const once = await share({ max_uses: 1 });
    expect((await visit(once.id)).status).toBe(200);
    expect((await visit(once.id)).status).toBe(401);
    expect((await t.api('GET', `/shares/${once.id}`)).body.data.times_used).toBe(1);
    const past = await share({ date_end: new Date(Date.now() - 60_000).toISOString() });
    expect((await visit(past.id)).status).toBe(401);
    const future = await share({ date_start: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await visit(future.id)).status).toBe(401);
    const gone = await share();
    const token = (await visit(gone.id)).body.data.access_token;
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token)).status).toBe(200);
    expect((await t.api('DELETE', `/shares/${gone.id}`)).status).toBe(204);
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token)).status).toBe(401);
  });

  it('is made only by who may share the item (Directus’s `share` permission) and read it', async () => {
    const reader = await createUser(t, 'share-reader', [
      { collection: 'articles', action: 'read' },
      { collection: 'directus_shares', action: 'create' },
      { collection: 'directus_shares', action: 'read' },
    ]);
    const make = (token: string, body: Record<string, unknown>) => t.api('POST', '/shares', body, token);
    expect((await make(reader.token, { collection: 'articles', item: shared })).status).toBe(403);
    const sharer = await createUser(t, 'share-sharer', [
      { collection: 'articles', action: 'read', permissions: { title: { _eq: 'Shared' } } },
      { collection: 'articles', action: 'share' },
      { collection: 'directus_shares', action: 'create' },
      { collection: 'directus_shares', action: 'read' },
    ]);
    expect((await make(sharer.token, { collection: 'articles', item: shared })).status).toBe(200);
    // An item the sharer may not read, or host-kept fields: refused.
    expect((await make(sharer.token, { collection: 'articles', item: other })).status).toBe(403);
    expect((await make(sharer.token, { collection: 'articles', item: shared, times_used: -5 })).status).toBe(400);
    expect((await make(sharer.token, { collection: 'directus_users', item: 'x' })).status).toBe(400);
  });

  it('never shows more than its maker may read, and stops when its maker is suspended (as in Directus)', async () => {
    const maker = await createUser(t, 'share-titles-maker', [
      { collection: 'articles', action: 'read', fields: 'id,title' },
      { collection: 'articles', action: 'share' },
      { collection: 'directus_shares', action: 'create' },
      { collection: 'directus_shares', action: 'read' },
    ]);
    // No role on the share: without its maker's limits it would read every field, `body` too.
    const made = await t.api('POST', '/shares', { collection: 'articles', item: shared }, maker.token);
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect((await t.host.knex('directus_shares').where({ id: made.body.data.id }).first()).user_created).toBe(
      maker.userId,
    );
    const token = (await visit(made.body.data.id)).body.data.access_token;
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token)).body.data).toEqual({
      id: shared,
      title: 'Shared',
    });
    expect((await t.api('GET', `/items/articles?filter[body][_eq]=Body`, undefined, token)).status).toBe(403);
    // The maker suspended: the link and its tokens stop.
    const suspended = await t.api('PATCH', `/users/${maker.userId}`, { status: 'suspended' });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect((await t.api('GET', `/items/articles/${shared}`, undefined, token)).status).toBe(401);
    expect((await visit(made.body.data.id)).status).toBe(401);
  });

  it('mails the link to plain addresses only (no list or header characters)', async () => {
    const s = await share({ name: 'Mailed' });
    for (const to of ['a,b@example.com', 'x@example.com>', 'not an address']) {
      const res = await t.api('POST', '/shares/invite', { share: s.id, emails: [to] });
      expect(res.status, to).toBe(400);
    }
    // A bad address among good ones: nothing is mailed.
    const mixed = await t.api('POST', '/shares/invite', {
      share: s.id,
      emails: ['first@example.com', 'a,b@example.com'],
    });
    expect(mixed.status).toBe(400);
    expect(await t.host.knex('annex_outbox').where({ to: 'first@example.com' }).first()).toBeUndefined();
    expect((await t.api('POST', '/shares/invite', { share: s.id, emails: ['guest@example.com'] })).status).toBe(204);
    const mail = await t.host.knex('annex_outbox').where({ to: 'guest@example.com' }).first();
    expect(mail.subject).toBe('An item was shared with you: Mailed');
    expect(String(mail.body)).toContain(`/admin/shared/${s.id}`);
  });

  it('counts wrong passwords toward the login throttle', async () => {
    const s = await share({ password: 'right one' });
    for (let i = 0; i < 3; i++) expect((await visit(s.id, 'guess')).status).toBe(401);
    expect((await visit(s.id, 'right one')).status).toBe(429);
  });

  it("works with Directus's SDK (readShareInfo, authenticateShare)", async () => {
    const s = await share({ password: 'sdk' });
    const client = createDirectus(t.url).with(rest());
    expect(await client.request(readShareInfo(s.id))).toMatchObject({ collection: 'articles', password: '**********' });
    const tokens = await client.request(authenticateShare(s.id, 'sdk', 'json'));
    const item = await client.request(withToken(tokens.access_token!, readItem('articles', shared)));
    expect(item).toMatchObject({ title: 'Shared' });
  });
});

describe("a share's visitor reads what is related to its item, as in Directus", () => {
  const ids: Record<string, number> = {};
  const post = async (collection: string, body: Record<string, unknown>) => {
    const res = await t.api('POST', `/items/${collection}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.id as number;
  };
  beforeAll(async () => {
    await createCollection(t, 'writers', { name: 'string', email: 'string' });
    await createCollection(t, 'stories', {
      title: 'string',
      writer: { type: 'integer', related_collection: 'writers' },
    });
    await createCollection(t, 'notes', { text: 'string', story: { type: 'integer', related_collection: 'stories' } });
    await createCollection(t, 'labels', { name: 'string' });
    await createManyToMany(t, {
      collection: 'stories',
      field: 'labels',
      related: 'labels',
      junction: 'stories_labels',
      meta: { interface: 'list-m2m' },
    });
    ids.ann = await post('writers', { name: 'Ann', email: 'ann@example.com' });
    ids.bob = await post('writers', { name: 'Bob', email: 'bob@example.com' });
    ids.story = await post('stories', { title: 'Ann’s story', writer: ids.ann });
    ids.otherStory = await post('stories', { title: 'Bob’s story', writer: ids.bob });
    ids.note = await post('notes', { text: 'on Ann’s', story: ids.story });
    ids.otherNote = await post('notes', { text: 'on Bob’s', story: ids.otherStory });
    ids.red = await post('labels', { name: 'red' });
    ids.blue = await post('labels', { name: 'blue' });
    await post('stories_labels', { stories_id: ids.story, labels_id: ids.red });
    await post('stories_labels', { stories_id: ids.otherStory, labels_id: ids.blue });
  });

  const visitor = async (body: Record<string, unknown> = {}) => {
    const s = await t.api('POST', '/shares', { collection: 'stories', item: ids.story, ...body });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const token = (await visit(s.body.data.id)).body.data.access_token as string;
    return (path: string) => t.api('GET', path, undefined, token);
  };
  const names = (res: { body: { data: { id: number }[] } }) => res.body.data.map((r) => r.id);

  it('reads the item with its many-to-one, one-to-many and many-to-many relations, and only those related items', async () => {
    const as = await visitor();
    const story = await as(`/items/stories/${ids.story}?fields=title,writer.name,labels.labels_id.name`);
    expect(story.body.data).toEqual({
      title: 'Ann’s story',
      writer: { name: 'Ann' },
      labels: [{ labels_id: { name: 'red' } }],
    });
    expect(names(await as('/items/writers'))).toEqual([ids.ann]);
    expect((await as(`/items/writers/${ids.bob}`)).status).toBe(403);
    expect(names(await as('/items/notes'))).toEqual([ids.note]);
    expect((await as(`/items/notes/${ids.otherNote}`)).status).toBe(403);
    expect(names(await as('/items/labels'))).toEqual([ids.red]);
    expect((await as(`/items/stories/${ids.otherStory}`)).status).toBe(403);
    // Through a related item, no way back out to the other story.
    expect((await as(`/items/writers/${ids.ann}?fields=name`)).body.data).toEqual({ name: 'Ann' });
    expect((await as('/users')).status).toBe(403);
    // Its own $FOLLOW through a story it may not read finds nothing (the subquery sees its story only).
    const escape = encodeURIComponent(JSON.stringify({ '$FOLLOW(stories,writer)': { title: { _eq: 'Bob’s story' } } }));
    expect((await as(`/items/writers?filter=${escape}`)).body.data).toEqual([]);
    expect(Object.keys((await as('/permissions/me')).body.data).sort()).toEqual([
      'labels',
      'notes',
      'stories',
      'stories_labels',
      'writers',
    ]);
  });

  it("reads related items only where the share's role may", async () => {
    const role = await createUser(t, 'share-stories-notes', [
      { collection: 'stories', action: 'read', fields: '*' },
      { collection: 'notes', action: 'read', fields: 'text' },
    ]);
    const as = await visitor({ role: role.roleId });
    expect((await as(`/items/stories/${ids.story}?fields=title,writer`)).body.data).toEqual({
      title: 'Ann’s story',
      writer: ids.ann,
    });
    expect((await as('/items/writers')).status).toBe(403);
    expect((await as('/items/notes')).body.data).toEqual([{ text: 'on Ann’s' }]);
    // What it may read, as `/permissions/me` lists it: only where the role grants it too.
    expect(Object.keys((await as('/permissions/me')).body.data).sort()).toEqual(['notes', 'stories']);
  });

  it("follows a many-to-one backwards in anyone's filter with Directus's $FOLLOW(collection, field), as its permissions allow", async () => {
    const filter = encodeURIComponent(JSON.stringify({ '$FOLLOW(stories,writer)': { title: { _eq: 'Bob’s story' } } }));
    expect(names(await t.api('GET', `/items/writers?filter=${filter}`))).toEqual([ids.bob]);
    // Not a many-to-one to writers: a coded refusal.
    const wrong = encodeURIComponent(JSON.stringify({ '$FOLLOW(stories,title)': { id: { _eq: 1 } } }));
    expect((await t.api('GET', `/items/writers?filter=${wrong}`)).body.errors[0].extensions.code).toBe('INVALID_QUERY');
    // Who may read writers but not the stories' writer field may not filter through it (no oracle on it).
    const reader = await createUser(t, 'writers-reader', [
      { collection: 'writers', action: 'read', fields: '*' },
      { collection: 'stories', action: 'read', fields: 'id,title' },
    ]);
    expect((await t.api('GET', `/items/writers?filter=${filter}`, undefined, reader.token)).status).toBe(403);
  });
});
