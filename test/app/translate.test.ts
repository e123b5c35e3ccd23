import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module of the admin app
import { i18nMessages, translateDeep, translateText } from '../../host/app/src/translate.js';

const rows = [
  { language: 'en-US', key: 'shipping.in_transit', value: 'On its way' },
  { language: 'en-GB', key: 'colour', value: 'Colour' },
  { language: 'de-DE', key: 'shipping.in_transit', value: 'Unterwegs' },
];

describe("Directus's $t: strings from the custom translations", () => {
  it("uses the language's translation, then the base language's, then the key's last part as words", () => {
    expect(translateText('$t:shipping.in_transit', rows)).toBe('On its way');
    expect(translateText('$t:shipping.in_transit', rows, 'de-DE')).toBe('Unterwegs');
    expect(translateText('$t:colour', rows)).toBe('Colour');
    expect(translateText('$t:order_status.awaiting-payment', rows)).toBe('Awaiting payment');
    expect(translateText('Plain text', rows)).toBe('Plain text');
    expect(translateText(42, rows)).toBe(42);
  });

  it("translates every $t: string in an interface's options, and keeps options without one as they are", () => {
    const options = {
      choices: [
        { text: '$t:shipping.in_transit', value: 't' },
        { text: 'Done', value: 'd' },
      ],
      icon: 'local_shipping',
    };
    expect(translateDeep(options, rows)).toEqual({
      choices: [
        { text: 'On its way', value: 't' },
        { text: 'Done', value: 'd' },
      ],
      icon: 'local_shipping',
    });
    expect(options.choices[0]!.text).toBe('$t:shipping.in_transit');
    const plain = { choices: [{ text: 'A', value: 'a' }] };
    expect(translateDeep(plain, rows)).toBe(plain);
    expect(translateDeep(null, rows)).toBeNull();
  });

  it('gives vue-i18n nested messages per language, skipping prototype keys', () => {
    const messages = i18nMessages([...rows, { language: 'en-US', key: '__proto__.polluted', value: 'x' }]);
    expect(messages['en-US']).toEqual({ shipping: { in_transit: 'On its way' } });
    expect(messages['de-DE']).toEqual({ shipping: { in_transit: 'Unterwegs' } });
    expect(({} as any).polluted).toBeUndefined();
  });
});
