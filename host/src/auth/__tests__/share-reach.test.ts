import { describe, expect, it } from 'vitest';
import type { CollectionOverview, FieldOverview, SchemaOverview } from '../../schema/types.js';
import { SHARE_PATHS, shareReach } from '../share-reach.js';

/** A collection with an `id` key and these fields: `m2o:<collection>`, `o2m:<collection>.<field>`, or a plain type. */
function collection(name: string, fields: Record<string, string> = {}): CollectionOverview {
  const all: Record<string, Partial<FieldOverview>> = {
    id: { type: 'integer', primary: true, relatedCollection: null },
  };
  for (const [field, spec] of Object.entries(fields)) {
    const [kind, target] = spec.split(':');
    if (kind === 'm2o') all[field] = { type: 'integer', relatedCollection: target! };
    else if (kind === 'o2m') {
      const [many, via] = target!.split('.');
      all[field] = {
        type: 'alias',
        relatedCollection: many!,
        o2m: { collection: many!, field: via!, deselect: 'nullify' },
      };
    } else all[field] = { type: kind as FieldOverview['type'], relatedCollection: null };
  }
  return {
    collection: name,
    primary: 'id',
    fields: Object.fromEntries(Object.entries(all).map(([field, f]) => [field, { field, ...f }])),
  } as unknown as CollectionOverview;
}

const schemaOf = (...collections: CollectionOverview[]) =>
  ({ collections: Object.fromEntries(collections.map((c) => [c.collection, c])), relations: [] }) as SchemaOverview;

describe("a share's reach", () => {
  it('is the item, what its many-to-ones point at, and what points at it', () => {
    const schema = schemaOf(
      collection('stories', { title: 'string', writer: 'm2o:writers' }),
      collection('writers', { name: 'string' }),
      collection('notes', { story: 'm2o:stories' }),
      collection('unrelated', { name: 'string' }),
    );
    expect(shareReach(schema, 'stories', '7')).toEqual({
      stories: { id: { _eq: '7' } },
      writers: { '$FOLLOW(stories,writer)': { id: { _eq: '7' } } },
      notes: { story: { id: { _eq: '7' } } },
    });
    expect(shareReach(schema, 'gone', '7')).toBeUndefined();
  });

  it("goes on from a many-to-one's target only through a relation it has a one-to-many field for", () => {
    const plain = schemaOf(
      collection('stories', { writer: 'm2o:writers' }),
      collection('writers'),
      // Everything a writer wrote elsewhere is not the story's.
      collection('letters', { writer: 'm2o:writers' }),
    );
    expect(Object.keys(shareReach(plain, 'stories', '1')!).sort()).toEqual(['stories', 'writers']);
    const aliased = schemaOf(
      collection('stories', { writer: 'm2o:writers' }),
      collection('writers', { stories: 'o2m:stories.writer' }),
      collection('letters', { writer: 'm2o:writers' }),
    );
    expect(shareReach(aliased, 'stories', '1')!.letters).toEqual({
      writer: { '$FOLLOW(stories,writer)': { id: { _eq: '1' } } },
    });
  });

  it('reaches a many-to-many through its junction, gives a collection reached twice an _or, and enters none on its path again', () => {
    const schema = schemaOf(
      collection('stories', { editor: 'm2o:people', writer: 'm2o:people' }),
      collection('people'),
      collection('stories_labels', { stories_id: 'm2o:stories', labels_id: 'm2o:labels' }),
      collection('labels'),
    );
    const reach = shareReach(schema, 'stories', '3')!;
    expect(reach.labels).toEqual({ '$FOLLOW(stories_labels,labels_id)': { stories_id: { id: { _eq: '3' } } } });
    expect(reach.people).toEqual({
      _or: [{ '$FOLLOW(stories,editor)': { id: { _eq: '3' } } }, { '$FOLLOW(stories,writer)': { id: { _eq: '3' } } }],
    });
    // The junction's many-to-one back to stories is not followed: stories is on the path.
    expect(reach.stories).toEqual({ id: { _eq: '3' } });
  });

  it('follows at most three relations, at most a hundred paths, and only into the collections allowed', () => {
    const chain = schemaOf(
      collection('a', { b: 'm2o:b' }),
      collection('b', { c: 'm2o:c', back: 'o2m:a.b' }),
      collection('c', { d: 'm2o:d', back: 'o2m:b.c' }),
      collection('d', { e: 'm2o:e', back: 'o2m:c.d' }),
      collection('e', { back: 'o2m:d.e' }),
    );
    expect(Object.keys(shareReach(chain, 'a', '1')!).sort()).toEqual(['a', 'b', 'c', 'd']);
    const many = Array.from({ length: 150 }, (_, i) => collection(`child${i}`, { parent: 'm2o:root' }));
    expect(Object.keys(shareReach(schemaOf(collection('root'), ...many), 'root', '1')!)).toHaveLength(SHARE_PATHS + 1);
    const files = schemaOf(
      collection('stories', { cover: 'm2o:directus_files', owner: 'm2o:directus_users' }),
      collection('directus_files'),
      collection('directus_users'),
    );
    const userCollections = (c: CollectionOverview) => !c.collection.startsWith('directus_users');
    expect(Object.keys(shareReach(files, 'stories', '1', userCollections)!).sort()).toEqual([
      'directus_files',
      'stories',
    ]);
  });
});
