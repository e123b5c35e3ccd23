import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

const code = (body: any) => body?.errors?.[0]?.extensions?.code;

/**
 * Directus's `?export=csv|json|xml|yaml` on the item routes (a file of the same items) and
 * `POST /utils/import/:collection` (a JSON or CSV file's rows created or updated by key, all or none).
 */
describe('export and import of items', () => {
  let t: TestHost;
  const raw = (path: string, init: RequestInit = {}, token: string | null = t.token) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });
  const upload = (collection: string, name: string, type: string, text: string, token?: string | null) => {
    const form = new FormData();
    form.append('file', new Blob([text], { type }), name);
    return raw(`/utils/import/${collection}`, { method: 'POST', body: form }, token);
  };

  beforeAll(async () => {
    // Exports read two items at a time, so every export here spans several batches.
    t = await startHost({ env: { EXPORT_BATCH_SIZE: '2' } });
    await createCollection(t, 'authors', { name: 'string' });
    await createCollection(t, 'books', {
      title: 'string',
      pages: 'integer',
      tags: 'json',
      author: { type: 'integer', related_collection: 'authors' },
    });
    const ada = (await t.api('POST', '/items/authors', { name: 'Ada, "the first"' })).body.data.id;
    await t.api('POST', '/items/books', [
      { title: 'Dune', pages: 412, tags: ['sf', 'classic'], author: ada },
      { title: 'Line\nbreak', pages: null, tags: null, author: null },
    ]);
  });
  afterAll(async () => t?.close());

  it("exports the query's items as CSV (nested fields flattened), JSON, YAML and XML files", async () => {
    const csv = await raw('/items/books?export=csv&fields=id,title,pages,tags,author.name&sort=id');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="books-\d{8}-\d{6}\.csv"/);
    expect(await csv.text()).toBe(
      'id,title,pages,tags,author.name\r\n1,Dune,412,"[""sf"",""classic""]","Ada, ""the first"""\r\n2,"Line\nbreak",,,\r\n',
    );
    const json = await (await raw('/items/books?export=json&fields=title&filter[pages][_gt]=100')).json();
    expect(json).toEqual([{ title: 'Dune' }]);
    expect(await (await raw('/items/books?export=yaml&fields=title&limit=1')).text()).toBe('- title: Dune\n');
    const xml = await (await raw('/items/books?export=xml&fields=title,author.name&limit=1')).text();
    expect(xml).toContain('<data>');
    expect(xml).toContain('<title>Dune</title>');
    expect(xml).toContain('<name>Ada, &quot;the first&quot;</name>');
    expect((await raw('/items/books?export=pdf')).status).toBe(400);
  });

  it('exports only what the caller may read', async () => {
    const { token } = await createUser(t, 'short', [
      { collection: 'books', action: 'read', permissions: { pages: { _gt: 100 } }, fields: 'title' },
    ]);
    expect(await (await raw('/items/books?export=json', {}, token)).json()).toEqual([{ title: 'Dune' }]);
    expect((await raw('/items/books?export=csv', {}, null)).status).toBe(403);
  });

  it('imports a CSV export back: rows with a key update, rows without one are created', async () => {
    const csv = 'id,title,pages,tags\r\n1,Dune Messiah,256,"[""sf""]"\r\n,Emma,320,\r\n';
    const res = await upload('books', 'books.csv', 'text/csv', csv);
    expect(res.status).toBe(200);
    expect((await res.json()).data).toEqual({ imported: 2 });
    const books = (await t.api('GET', '/items/books?fields=id,title,pages,tags&sort=id')).body.data;
    expect(books).toEqual([
      { id: 1, title: 'Dune Messiah', pages: 256, tags: ['sf'] },
      { id: 2, title: 'Line\nbreak', pages: null, tags: null },
      { id: 3, title: 'Emma', pages: 320, tags: null },
    ]);
    const json = await upload(
      'books',
      'more.json',
      'application/json',
      JSON.stringify([{ title: 'Ulysses', pages: 730 }]),
    );
    expect(json.status).toBe(200);
    expect((await t.api('GET', '/items/books?filter[title][_eq]=Ulysses')).body.data).toHaveLength(1);
  });

  it('defuses formula-like texts in a CSV export (a leading quote), and an import of that export reads them back', async () => {
    const texts = ['=HYPERLINK("http://evil.example","x")', '+1+2', '-cmd', '@SUM(A1)', "'=already quoted", 'plain'];
    const made = (
      await t.api(
        'POST',
        '/items/authors',
        texts.map((name) => ({ name })),
      )
    ).body.data.map((a: { id: number }) => a.id);
    const csv = await (
      await raw(`/items/authors?export=csv&fields=id,name&filter[id][_in]=${made.join(',')}&sort=id`)
    ).text();
    const cells = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.slice(line.indexOf(',') + 1));
    expect(cells).toEqual([
      `"'=HYPERLINK(""http://evil.example"",""x"")"`,
      "'+1+2",
      "'-cmd",
      "'@SUM(A1)",
      "''=already quoted",
      'plain',
    ]);
    // Numbers, and numbers kept as text, are not formulas.
    const numbers = await (await raw('/items/books?export=csv&fields=pages&filter[id][_eq]=1')).text();
    expect(numbers).toBe('pages\r\n256\r\n');
    for (const id of made) await t.api('PATCH', `/items/authors/${id}`, { name: 'changed' });
    expect((await upload('authors', 'authors.csv', 'text/csv', csv)).status).toBe(200);
    const back = (await t.api('GET', `/items/authors?fields=name&filter[id][_in]=${made.join(',')}&sort=id`)).body.data;
    expect(back.map((a: { name: string }) => a.name)).toEqual(texts);
  });

  it('imports all rows or none: a bad row names its number and nothing is written', async () => {
    const before = (await t.api('GET', '/items/books?aggregate[count]=*')).body.data[0].count;
    const res = await upload(
      'books',
      'bad.json',
      'application/json',
      JSON.stringify([{ title: 'Fine' }, { pages: 'many' }]),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(code(body)).toBe('INVALID_PAYLOAD');
    expect(body.errors[0].message).toContain('Row 2');
    expect((await t.api('GET', '/items/books?aggregate[count]=*')).body.data[0].count).toEqual(before);
  });

  it("imports as a non-admin through their role's permissions (its grants read inside the import's transaction)", async () => {
    const { token } = await createUser(t, 'importer', [
      { collection: 'books', action: 'create', fields: 'title,pages' },
      { collection: 'books', action: 'update', fields: 'title' },
    ]);
    const res = await upload(
      'books',
      'mine.json',
      'application/json',
      JSON.stringify([{ title: 'Mine', pages: 1 }]),
      token,
    );
    expect(res.status).toBe(200);
    // A field outside the role's create permission is refused, and nothing is written.
    const denied = await upload(
      'books',
      'tags.json',
      'application/json',
      JSON.stringify([{ title: 'T', tags: ['x'] }]),
      token,
    );
    expect(denied.status).toBe(403);
    expect((await t.api('GET', '/items/books?filter[title][_eq]=T')).body.data).toEqual([]);
  });

  it('exports to a file in the background and notifies the caller when it is there', async () => {
    const res = await t.api('POST', '/utils/export/books', {
      query: { fields: ['title'], filter: { title: { _eq: 'Ulysses' } } },
      format: 'csv',
      file: { title: 'Ulysses export' },
    });
    expect(res.status).toBe(204);
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const notice = async () =>
      (await t.api('GET', `/notifications?filter[recipient][_eq]=${me}&sort=-id&limit=1`)).body.data[0];
    await expect.poll(async () => (await notice())?.subject, { timeout: 10_000 }).toBe('Your export of books is ready');
    const file = (await t.api('GET', `/files/${(await notice()).item}`)).body.data;
    expect(file).toMatchObject({ title: 'Ulysses export', type: 'text/csv' });
    expect(file.filename_download).toMatch(/^books-\d{8}-\d{6}\.csv$/);
    expect(await (await raw(`/assets/${file.id}`)).text()).toBe('title\r\nUlysses\r\n');
    // All the books, read two at a time: the same file the list's own export gives.
    expect((await t.api('POST', '/utils/export/books', { query: { sort: ['id'] }, format: 'json' })).status).toBe(204);
    await expect
      .poll(async () => (await notice())?.message, { timeout: 10_000 })
      .toMatch(new RegExp(`/files/(?!${file.id})`));
    const whole = await (await raw(`/assets/${(await notice()).item}`)).text();
    const books = (await t.api('GET', '/items/books?sort=id&limit=-1')).body.data;
    expect(books.length).toBeGreaterThan(2);
    expect(JSON.parse(whole)).toEqual(books);
    expect(whole).toBe(await (await raw('/items/books?sort=id&limit=-1&export=json')).text());
    // Refused before the answer: a caller who may not read, a bad format, no query.
    const { token } = await createUser(t, 'outsider', []);
    expect((await t.api('POST', '/utils/export/books', { query: {}, format: 'csv' }, token)).status).toBe(403);
    expect(code((await t.api('POST', '/utils/export/books', { query: {}, format: 'pdf' })).body)).toBe(
      'INVALID_PAYLOAD',
    );
    expect(code((await t.api('POST', '/utils/export/books', { format: 'csv' })).body)).toBe('INVALID_PAYLOAD');
  });

  it('attacks: permissions hold, bad files and prototype paths are coded errors', async () => {
    const { token } = await createUser(t, 'reader', [{ collection: 'books', action: 'read' }]);
    expect((await upload('books', 'a.json', 'application/json', '[{"title":"x"}]', token)).status).toBe(403);
    expect((await upload('books', 'a.json', 'application/json', '[{"title":"x"}]', null)).status).toBe(403);
    for (const [name, type, text] of [
      ['a.json', 'application/json', '{"title":"not a list"}'],
      ['a.json', 'application/json', '[1, 2]'],
      ['a.json', 'application/json', '[{"title": '],
      ['a.csv', 'text/csv', 'title,pages\n"unterminated,1\n'],
      ['a.csv', 'text/csv', '__proto__.polluted,title\nyes,x\n'],
    ]) {
      const res = await upload('books', name, type, text);
      expect(res.status, text).toBe(400);
      expect(code(await res.json()), text).toBe('INVALID_PAYLOAD');
    }
    expect(({} as any).polluted).toBeUndefined();
    expect((await upload('books', 'a.txt', 'text/plain', 'hello')).status).toBe(415);
    const noForm = await raw('/utils/import/books', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(noForm.status).toBe(415);
  });
});
