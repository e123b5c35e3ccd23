import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

// Directus's comments on items: on an item the caller may read, mentions notify who may read it too.
let t: TestHost;
let article: number;
let editor: { token: string; userId: string };
let guest: { token: string; userId: string };
beforeAll(async () => {
  t = await startHost();
  await createCollection(t, 'articles', { title: 'string' });
  article = (await t.api('POST', '/items/articles', { title: 'Hello' })).body.data.id;
  editor = await createUser(t, 'comment-editor', [
    { collection: 'articles', action: 'read' },
    { collection: 'directus_comments', action: 'read' },
    { collection: 'directus_comments', action: 'create' },
  ]);
  guest = await createUser(t, 'comment-guest', [{ collection: 'directus_comments', action: 'create' }]);
});
afterAll(() => t?.close());

describe('comments', () => {
  it('records who wrote a comment on an item and when, and lists an item’s comments', async () => {
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const res = await t.api('POST', '/comments', { collection: 'articles', item: article, comment: 'Looks good' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      collection: 'articles',
      item: String(article),
      comment: 'Looks good',
      user_created: me,
    });
    expect(Date.parse(res.body.data.date_created)).toBeGreaterThan(Date.now() - 60_000);
    const listed = await t.api(
      'GET',
      `/comments?filter[collection][_eq]=articles&filter[item][_eq]=${article}&fields=comment`,
      undefined,
      editor.token,
    );
    expect(listed.body.data).toEqual([{ comment: 'Looks good' }]);
  });

  it('notifies a mentioned user who may read the item, not one who may not', async () => {
    const res = await t.api('POST', '/comments', {
      collection: 'articles',
      item: article,
      comment: `@${editor.userId} and @${guest.userId}, please check`,
    });
    expect(res.status).toBe(200);
    const sent = (await t.api('GET', '/notifications?fields=recipient,subject,collection,item')).body.data;
    expect(sent).toEqual([
      {
        recipient: editor.userId,
        subject: 'You were mentioned in articles',
        collection: 'articles',
        item: String(article),
      },
    ]);
  });

  it('is refused on an item the caller may not read, and without a comment', async () => {
    const hidden = await t.api(
      'POST',
      '/comments',
      { collection: 'articles', item: article, comment: 'hi' },
      guest.token,
    );
    expect(hidden.status).toBe(403);
    const bad = await t.api(
      'POST',
      '/comments',
      { collection: 'articles', item: article, comment: '  ' },
      editor.token,
    );
    expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    const ok = await t.api(
      'POST',
      '/comments',
      { collection: 'articles', item: article, comment: 'Mine' },
      editor.token,
    );
    expect(ok.body.data.user_created).toBe(editor.userId);
    const count = (await t.api('GET', `/comments?filter[item][_eq]=${article}&aggregate[count]=*`)).body.data[0].count;
    expect(count).toBe(3);
  });

  it("is marked updated (when and by whom) only once edited, as Directus's date-updated and user-updated fields are", async () => {
    const made = (await t.api('POST', '/comments', { collection: 'articles', item: article, comment: 'Draft' })).body
      .data;
    expect(made).toMatchObject({ date_updated: null, user_updated: null });
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const edited = (await t.api('PATCH', `/comments/${made.id}`, { comment: 'Final' })).body.data;
    expect(edited).toMatchObject({ comment: 'Final', user_updated: me, user_created: me });
    expect(Date.parse(edited.date_updated)).toBeGreaterThanOrEqual(Date.parse(made.date_created));
  });
});
