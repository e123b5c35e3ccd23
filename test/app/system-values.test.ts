import { describe, expect, it } from 'vitest';
import {
  collectionChoices,
  fieldPathName,
  fieldTree,
  folderPath,
  languageChoices,
  moveEntry,
  nestFolders,
  rawText,
  rawValue,
  relatedCollection,
  // @ts-expect-error plain JS module of the built-in interfaces
} from '../../host/builtins/app-interfaces/src/more/system-values.js';

const collections = [
  { collection: 'articles', name: 'Articles', schema: { name: 'articles' }, meta: { singleton: false } },
  { collection: 'home', name: 'Home', schema: { name: 'home' }, meta: { singleton: true } },
  { collection: 'folder_only', name: 'Folder Only', schema: null, meta: {} },
  { collection: 'directus_users', name: 'Users', schema: { name: 'directus_users' } },
];

describe('collectionChoices', () => {
  it("offers the project's collections, singletons included, system ones only when asked", () => {
    expect(collectionChoices(collections).map((c) => c.value)).toEqual(['articles', 'home', 'folder_only']);
    expect(collectionChoices(collections, { includeSingleton: false }).map((c) => c.value)).toEqual([
      'articles',
      'folder_only',
    ]);
    expect(collectionChoices(collections, { includeSystem: true }).map((c) => c.value)).toContain('directus_users');
    // The store's crud-safe list decides which system collections are offered.
    expect(
      collectionChoices(collections, { includeSystem: true, crudSafeSystem: [] }).map((c) => c.value),
    ).not.toContain('directus_users');
  });
  it('leaves out folders for system-collections and names each by its display name', () => {
    expect(collectionChoices(collections, { tablesOnly: true })).toEqual([
      { text: 'Articles', value: 'articles' },
      { text: 'Home', value: 'home' },
    ]);
  });
});

describe('folders', () => {
  const folders = [
    { id: 'b', name: 'Beta', parent: null },
    { id: 'a', name: 'Alpha', parent: null },
    { id: 'a1', name: 'Photos', parent: 'a' },
    { id: 'a11', name: '2026', parent: 'a1' },
    { id: 'orphan', name: 'Lost', parent: 'gone' },
    { id: 'x', name: 'Loop X', parent: 'y' },
    { id: 'y', name: 'Loop Y', parent: 'x' },
  ];
  it('nests folders under their parents, by name; a missing parent makes a root folder', () => {
    const tree = nestFolders(folders);
    expect(tree.map((f) => f.id)).toEqual(['a', 'b', 'orphan']);
    expect(tree[0].children[0].id).toBe('a1');
    expect(tree[0].children[0].children[0].id).toBe('a11');
  });
  it("shows a folder's path, the root for none, the id for an unknown one, and ends on a parent loop", () => {
    expect(folderPath('a11', folders)).toBe('Alpha / Photos / 2026');
    expect(folderPath(null, folders)).toBe('File Library');
    expect(folderPath('nope', folders)).toBe('nope');
    expect(folderPath('x', folders)).toBe('Loop Y / Loop X');
  });
});

describe('system-language', () => {
  it('names each language tag in English', () => {
    const choices = languageChoices('en');
    expect(choices.find((c) => c.value === 'de-DE')?.text).toMatch(/German/);
    expect(choices.find((c) => c.value === 'pt-BR')?.text).toMatch(/Portuguese/);
    expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length);
  });
});

describe('system-raw-editor values', () => {
  it('shows objects as JSON and reads JSON back for JSON-like fields only', () => {
    expect(rawText({ a: 1 }, true)).toBe('{\n  "a": 1\n}');
    expect(rawText(null, true)).toBe('');
    expect(rawText('{{ $trigger.body }}', false)).toBe('{{ $trigger.body }}');
    expect(rawValue('{"a": 1}', true)).toEqual({ a: 1 });
    expect(rawValue('{"a": 1}', false)).toBe('{"a": 1}');
    // Text that is not JSON yet (a placeholder being typed) is kept as text, not lost.
    expect(rawValue('{"a": {{ $last }}', true)).toBe('{"a": {{ $last }}');
    expect(rawValue('', true)).toBeNull();
  });
});

describe('field trees', () => {
  const fields: Record<string, { field: string; type: string; meta?: { name?: string } }[]> = {
    articles: [
      { field: 'id', type: 'integer' },
      { field: 'title', type: 'string', meta: { name: 'Title' } },
      { field: 'author', type: 'integer', meta: { name: 'Author' } },
      { field: 'comments', type: 'alias' },
      { field: 'divider', type: 'alias' },
    ],
    authors: [
      { field: 'id', type: 'integer' },
      { field: 'name', type: 'string', meta: { name: 'Name' } },
      { field: 'articles', type: 'alias' },
    ],
    comments: [
      { field: 'id', type: 'integer' },
      { field: 'article', type: 'integer' },
    ],
  };
  const relations = [
    { collection: 'articles', field: 'author', related_collection: 'authors', meta: { one_field: 'articles' } },
    { collection: 'comments', field: 'article', related_collection: 'articles', meta: { one_field: 'comments' } },
  ];
  const fieldsOf = (c: string) => fields[c] ?? [];

  it('follows many-to-ones and one-to-manys', () => {
    expect(relatedCollection('articles', 'author', relations)).toBe('authors');
    expect(relatedCollection('articles', 'comments', relations)).toBe('comments');
    expect(relatedCollection('authors', 'articles', relations)).toBe('articles');
    expect(relatedCollection('articles', 'title', relations)).toBeNull();
  });
  it('lists fields without presentation aliases; a relation opens only when asked', () => {
    const closed = fieldTree('articles', { fieldsOf, relations });
    expect(closed.map((n) => n.key)).toEqual(['id', 'title', 'author', 'comments']);
    expect(closed.find((n) => n.key === 'author')?.children).toEqual([]);
    const opened = fieldTree('articles', { fieldsOf, relations, opened: new Set(['author', 'author.articles']) });
    const author = opened.find((n) => n.key === 'author');
    expect(author?.children?.map((n) => n.key)).toEqual(['author.id', 'author.name', 'author.articles']);
    // A cycle (articles → author → articles) opens as far as asked, with full paths.
    expect(author?.children?.find((n) => n.key === 'author.articles')?.children?.[1].key).toBe('author.articles.title');
  });
  it('names a picked path step by step', () => {
    const getField = (c: string, path: string) => {
      const [first, ...rest] = path.split('.');
      const f = fieldsOf(c).find((x) => x.field === first);
      if (!rest.length) return f;
      return getField(relatedCollection(c, first, relations) ?? '', rest.join('.'));
    };
    expect(fieldPathName('articles', 'author.name', getField)).toBe('Author -> Name');
    expect(fieldPathName('articles', 'gone.field', getField)).toBe('gone -> field');
  });
});

describe('moveEntry', () => {
  it('moves one entry and keeps the rest in order; out-of-range moves change nothing', () => {
    expect(moveEntry(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveEntry(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveEntry(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});
