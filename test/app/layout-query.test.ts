import { describe, expect, it } from 'vitest';
import {
  cardFile,
  cardImageUrl,
  hasThumbnail,
  nextSort,
  pageCount,
  pathValue,
  requestFields,
  sortOf,
  THUMBNAIL,
  // @ts-expect-error plain JS module of the built-in layouts
} from '../../host/builtins/app-layouts/src/layout-query.js';

describe("the built-in layouts' query", () => {
  it('sorts a column ascending, then descending, then ascending again', () => {
    expect(nextSort(undefined, 'title')).toEqual(['title']);
    expect(nextSort(['title'], 'title')).toEqual(['-title']);
    expect(nextSort(['-title'], 'title')).toEqual(['title']);
    expect(nextSort(['-title'], 'year')).toEqual(['year']);
    expect([sortOf(['title'], 'title'), sortOf(['-title'], 'title'), sortOf(['year'], 'title')]).toEqual([
      'asc',
      'desc',
      null,
    ]);
  });
  it('asks for every field plus the related ones columns, templates and images reach', () => {
    expect(requestFields({ columns: ['id', 'title'] })).toEqual(['*']);
    expect(
      requestFields({
        columns: ['title', 'author.name'],
        templateFields: ['author.name', 'editor.email', 'title'],
        imageSource: 'cover',
      }),
    ).toEqual(['*', 'author.name', 'editor.email', 'cover.id', 'cover.type']);
    // The file library's own thumbnail is the item itself: nothing related to ask for.
    expect(requestFields({ imageSource: THUMBNAIL })).toEqual(['*']);
  });
  it('reads dotted paths, null on the way', () => {
    expect(pathValue({ author: { name: 'Ada' } }, 'author.name')).toBe('Ada');
    expect(pathValue({ author: null }, 'author.name')).toBeNull();
    expect(pathValue({ title: 'x' }, 'title')).toBe('x');
  });
  it("finds a card's file: the file itself in the file library, else the image field's", () => {
    expect(cardFile({ id: 'f1', type: 'image/png' }, THUMBNAIL, 'directus_files')).toEqual({
      id: 'f1',
      type: 'image/png',
    });
    expect(cardFile({ id: 5 }, THUMBNAIL, 'articles')).toBeNull();
    expect(cardFile({ cover: { id: 'f2', type: 'image/jpeg' } }, 'cover', 'articles')).toEqual({
      id: 'f2',
      type: 'image/jpeg',
    });
    expect(cardFile({ cover: 'f3' }, 'cover', 'articles')).toEqual({ id: 'f3', type: null });
    expect(cardFile({ cover: null }, 'cover', 'articles')).toBeNull();
    expect(cardFile({ cover: 'f3' }, null, 'articles')).toBeNull();
    expect([
      hasThumbnail({ type: 'image/png' }),
      hasThumbnail({ type: 'image/svg+xml' }),
      hasThumbnail({ type: 'text/plain' }),
      hasThumbnail({ type: null }),
    ]).toEqual([true, false, false, true]);
  });
  it('counts pages', () => {
    expect([pageCount(0, 25), pageCount(25, 25), pageCount(26, 25), pageCount(null, 25), pageCount(10, -1)]).toEqual([
      1, 1, 2, 1, 1,
    ]);
  });
});

describe('card images', () => {
  it('draws a raster file through /assets at the size and fit asked, and nothing for other files', () => {
    expect(cardImageUrl({ cover: { id: 'a b', type: 'image/png' } }, 'cover', 'books', 160, 'cover', 't&k')).toBe(
      '/assets/a%20b?width=160&height=160&fit=cover&access_token=t%26k',
    );
    expect(cardImageUrl({ cover: { id: 'x', type: 'image/svg+xml' } }, 'cover', 'books', 160, 'cover', '')).toBeNull();
    expect(cardImageUrl({ cover: null }, 'cover', 'books', 160, 'cover', '')).toBeNull();
    expect(cardImageUrl({ id: 'f', type: 'image/jpeg' }, THUMBNAIL, 'directus_files', 80, 'contain', '')).toBe(
      '/assets/f?width=80&height=80&fit=contain&access_token=',
    );
  });
});
