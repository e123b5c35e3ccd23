import { describe, expect, it } from 'vitest';
import {
  completeness,
  editTranslation,
  languageOf,
  translationFor,
  // @ts-expect-error plain JS module of the built-in interfaces
} from '../../host/builtins/app-interfaces/src/translations.js';

const rel = { pk: 'id', reverseField: 'articles_id', junctionField: 'languages_id', relatedPk: 'code' };
const rows = [
  { id: 1, articles_id: 7, languages_id: 'en-US', title: 'Hello', body: null },
  { id: 2, articles_id: 7, languages_id: { code: 'de-DE', name: 'German' }, title: 'Hallo', body: 'Text' },
];

describe("the translations interface's change set", () => {
  it('reads a language from a loaded row (its key or the language itself), its pending edits on top', () => {
    expect(languageOf(rel, rows[1])).toBe('de-DE');
    expect(translationFor(rel, rows, null, 'en-US')).toEqual({
      existing: rows[0],
      values: { id: 1, articles_id: 7, title: 'Hello', body: null },
    });
    const value = {
      create: [{ languages_id: 'fr-FR', title: 'Bonjour' }],
      update: [{ id: 2, title: 'Guten Tag' }],
      delete: [],
    };
    expect(translationFor(rel, rows, value, 'de-DE').values.title).toBe('Guten Tag');
    expect(translationFor(rel, rows, value, 'fr-FR')).toEqual({ existing: null, values: { title: 'Bonjour' } });
    expect(translationFor(rel, rows, value, 'it-IT')).toEqual({ existing: null, values: {} });
  });

  it("updates a language's row, or creates one, merging repeated edits into one entry", () => {
    let value = editTranslation(rel, rows, null, 'en-US', { id: 1, articles_id: 7, title: 'Hi' });
    expect(value).toEqual({ create: [], update: [{ id: 1, title: 'Hi' }], delete: [] });
    value = editTranslation(rel, rows, value, 'en-US', { body: 'More' });
    expect(value.update).toEqual([{ id: 1, title: 'Hi', body: 'More' }]);
    value = editTranslation(rel, rows, value, 'fr-FR', { title: 'Salut' });
    value = editTranslation(rel, rows, value, 'fr-FR', { body: 'Texte' });
    expect(value.create).toEqual([{ languages_id: 'fr-FR', title: 'Salut', body: 'Texte' }]);
    // The form's copy of the key or the links never overwrites them.
    expect(
      editTranslation(rel, rows, null, 'it-IT', { id: 9, articles_id: 3, languages_id: 'xx', title: 'Ciao' }).create,
    ).toEqual([{ languages_id: 'it-IT', title: 'Ciao' }]);
  });

  it('measures how much of a translation is filled', () => {
    expect(completeness({ title: 'a', body: '' }, ['title', 'body'])).toBe(0.5);
    expect(completeness({}, ['title'])).toBe(0);
    expect(completeness({ title: 'x' }, [])).toBe(0);
  });
});
