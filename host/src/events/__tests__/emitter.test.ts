import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import { createEmitter } from '../emitter.js';

describe('event bus wildcards', () => {
  it("follows Directus's semantics: `**` matches any number of segments, including none", async () => {
    const bus = createEmitter(createLogger('silent'));
    const seen: string[] = [];
    bus.onAction('items.**', (meta) => void seen.push(`all:${meta.event}`));
    bus.onAction('*.items.create', (meta) => void seen.push(`one:${meta.event}`));
    await bus.emitAction(['items', 'items.create', 'articles.items.create', 'other']);
    expect(seen.sort()).toEqual(['all:items', 'all:items.create', 'one:articles.items.create']);
  });

  it('runs exact and wildcard filters in registration order', async () => {
    const bus = createEmitter(createLogger('silent'));
    bus.onFilter('items.create', (p: string[]) => [...p, 'exact']);
    bus.onFilter('items.*', (p: string[]) => [...p, 'wild']);
    bus.onFilter('items.create', (p: string[]) => [...p, 'exact2']);
    expect(await bus.emitFilter('items.create', [] as string[])).toEqual(['exact', 'wild', 'exact2']);
  });
  it('sees a listener added or removed after the same event was emitted (the answers it keeps per event follow every change)', async () => {
    const bus = createEmitter(createLogger('silent'));
    const seen: string[] = [];
    bus.onAction('response', () => void seen.push('first'));
    await bus.emitAction('response');
    const offWild = bus.onAction('*', () => void seen.push('wild'));
    const offExact = bus.onAction('response', () => void seen.push('second'));
    await bus.emitAction('response');
    expect(seen).toEqual(['first', 'first', 'wild', 'second']);
    offWild();
    offExact();
    await bus.emitAction('response');
    expect(seen).toEqual(['first', 'first', 'wild', 'second', 'first']);
    // Emitted events keep their own answer: a wildcard listener that did not ask for them is left out.
    bus.onAction('**', () => void seen.push('wild-trusted'));
    await bus.emitAction('response', {}, undefined, { emitted: true });
    await bus.emitAction('response');
    expect(seen.slice(5)).toEqual(['first', 'first', 'wild-trusted']);
  });
});
