import { describe, expect, it } from 'vitest';
import { getModuleDefault } from '../module-default.js';

describe('getModuleDefault', () => {
  const config = { id: 'op', handler: () => 1 };

  it('takes `default` when there is one, else the module itself', () => {
    expect(getModuleDefault({ default: config })).toBe(config);
    expect(getModuleDefault(config)).toBe(config);
    const fn = () => undefined;
    expect(getModuleDefault({ default: fn })).toBe(fn);
  });

  it('unwraps CommonJS built from ESM once more, and only that', () => {
    const esModule = Object.defineProperty({ default: config, other: 1 }, '__esModule', { value: true });
    expect(getModuleDefault({ default: esModule })).toBe(config);
    expect(getModuleDefault({ default: { default: config } })).toBe(config);
    // A config that merely has a `default` key among others is the config.
    const withDefaultKey = { id: 'x', default: 'value', handler: () => 1 };
    expect(getModuleDefault({ default: withDefaultKey })).toBe(withDefaultKey);
  });

  it('passes through values that are not modules', () => {
    expect(getModuleDefault(null)).toBe(null);
    expect(getModuleDefault(undefined)).toBe(undefined);
  });
});
