import { describe, expect, it } from 'vitest';
import { adjustDate, resolveDynamic } from '../rules.js';

const now = new Date('2024-03-31T12:00:00.000Z');
const ctx = { user: 'u1', role: 'r1', now };

describe("Directus's dynamic filter values", () => {
  it('moves $NOW by an adjustment, in every unit Directus takes', () => {
    const at = (a: string) => adjustDate(now, a)?.toISOString();
    expect(at('-1 week')).toBe('2024-03-24T12:00:00.000Z');
    expect(at('+2 hours')).toBe('2024-03-31T14:00:00.000Z');
    expect(at('30 minutes')).toBe('2024-03-31T12:30:00.000Z');
    expect(at('-90s')).toBe('2024-03-31T11:58:30.000Z');
    expect(at('3')).toBe('2024-04-03T12:00:00.000Z');
    expect(at('-1 year')).toBe('2023-03-31T12:00:00.000Z');
    expect(at('-1 mo')).toBe('2024-03-02T12:00:00.000Z');
    expect(at('1.5 days')).toBe('2024-04-02T00:00:00.000Z');
    expect(at('500 ms')).toBe('2024-03-31T12:00:00.500Z');
    expect(at('a week')).toBeUndefined();
    expect(at('1 fortnight')).toBeUndefined();
  });

  it('resolves $NOW(…), $NOW, $CURRENT_USER and $CURRENT_ROLE, in lists too; leaves anything else', () => {
    expect(resolveDynamic('$NOW(-1 day)', ctx)).toBe('2024-03-30T12:00:00.000Z');
    expect(resolveDynamic(['$NOW', '$NOW(+1 w)'], ctx)).toEqual([
      '2024-03-31T12:00:00.000Z',
      '2024-04-07T12:00:00.000Z',
    ]);
    expect(resolveDynamic('$CURRENT_USER', ctx)).toBe('u1');
    expect(resolveDynamic('$CURRENT_ROLE', ctx)).toBe('r1');
    expect(resolveDynamic('$NOW(soon)', ctx)).toBe('$NOW(soon)');
    expect(resolveDynamic('$NOWHERE', ctx)).toBe('$NOWHERE');
  });
});
