import { describe, expect, it } from 'vitest';
import { matchEventPattern } from '../event-pattern.js';

describe('event patterns', () => {
  it.each([
    ['items.create', 'items.create', true],
    ['items.*', 'items.create', true],
    ['items.*', 'items.create.x', false],
    ['my-ext.**', 'my-ext.a.b', true],
    ['my-ext.**', 'my-ext', true],
    ['*.items.create', 'articles.items.create', true],
    ['items.create', 'items.update', false],
  ])('%s vs %s → %s', (p, e, r) => expect(matchEventPattern(p, e)).toBe(r));
});
