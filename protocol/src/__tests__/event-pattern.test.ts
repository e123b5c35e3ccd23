import { describe, expect, it } from 'vitest';
import { compileEventPattern, matchEventPattern } from '../event-pattern.js';

describe("event patterns follow Directus's eventemitter2 wildcard semantics", () => {
  it.each([
    ['items.create', 'items.create', true],
    ['items.create', 'items.update', false],
    ['items.*', 'items.create', true],
    ['items.*', 'items.create.x', false],
    ['items.*', 'items', false],
    ['*.items.create', 'articles.items.create', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['my-ext.**', 'my-ext.a.b', true],
    ['my-ext.**', 'my-ext', true],
    ['a.**.z', 'a.z', true],
    ['a.**.z', 'a.b.c.z', true],
    ['a.**.z', 'a.b.c', false],
    ['**', 'anything.at.all', true],
  ])('%s vs %s → %s', (p, e, r) => expect(matchEventPattern(p, e)).toBe(r));

  it('compiles a pattern once and matches long events in linear time', () => {
    const match = compileEventPattern('**.**.**.**.**.x');
    const event = Array.from({ length: 200 }, (_, i) => `s${i}`).join('.');
    expect(match(event)).toBe(false);
    expect(match(`${event}.x`)).toBe(true);
  });
});
