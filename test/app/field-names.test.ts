import { describe, expect, it } from 'vitest';

describe("a field's name from meta.translations", () => {
  it('takes the app language, else the same base language, else none', async () => {
    // @ts-expect-error plain JS module of the admin app
    const { translatedName } = await import('../../host/app/src/stores/schema.js');
    const f = (translations: unknown) => ({ field: 'body', meta: { translations } });
    expect(
      translatedName(
        f([
          { language: 'de-DE', translation: 'Inhalt' },
          { language: 'en-US', translation: 'Body text' },
        ]),
      ),
    ).toBe('Body text');
    expect(translatedName(f([{ language: 'en-GB', translation: 'Body copy' }]))).toBe('Body copy');
    expect(translatedName(f([{ language: 'de-DE', translation: 'Inhalt' }]))).toBeNull();
    expect(translatedName(f([{ language: 'de-DE', translation: 'Inhalt' }]), 'de-DE')).toBe('Inhalt');
    expect(translatedName(f(null))).toBeNull();
  });
});
