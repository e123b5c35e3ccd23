import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { BASE_DATETIME_FORMATS, BASE_MESSAGES, BASE_NUMBER_FORMATS } from '../../host/app/src/i18n-base.js';

describe("the app's words under Directus's message keys", () => {
  const i18n = createI18n({
    legacy: false,
    locale: 'en-US',
    messages: { 'en-US': structuredClone(BASE_MESSAGES) as Record<string, string> },
    datetimeFormats: { 'en-US': BASE_DATETIME_FORMATS as never },
    numberFormats: { 'en-US': BASE_NUMBER_FORMATS as never },
    missingWarn: false,
    fallbackWarn: false,
  });
  const { t, te, d, n } = i18n.global;

  it('answers the keys Directus extensions ask for with words, plurals and named values', () => {
    expect(t('cancel')).toBe('Cancel');
    expect(t('interfaces.list.incompatible_data')).toMatch(/not a list/);
    expect(te('errors.FORBIDDEN')).toBe(true);
    expect(te('errors.NOT_A_CODE')).toBe(false);
    expect(t('item_count', 0)).toBe('No items');
    expect(t('item_count', 1)).toBe('One item');
    expect(t('item_count', 3)).toBe('3 items');
    expect(t('item_update_success', 2)).toBe('Items updated');
    expect(t('run_flow_success', { flow: 'Publish' })).toBe('Flow "Publish" ran');
    expect(t('not.a.key')).toBe('not.a.key');
  });

  it('compiles every message (no stray `{`, `@` or `|`), and formats dates and numbers', () => {
    const walk = (messages: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(messages).flatMap(([k, v]) =>
        v && typeof v === 'object' ? walk(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    for (const key of walk(BASE_MESSAGES)) expect(typeof t(key, { flow: 'x' }), key).toBe('string');
    expect(d(new Date(2026, 0, 15), 'short')).toBe('Jan 15, 2026');
    expect(n(0.25, 'percent')).toBe('25%');
  });
});
