import { describe, expect, it } from 'vitest';
import { InstanceState } from '../internal/instance-state.js';
import { DEFAULT_SANDBOX_LIMITS } from '../internal/limits.js';

describe('InstanceState tokens', () => {
  it('mints distinct 144-bit tokens across refills of the random pool, each valid until revoked', () => {
    const state = new InstanceState('ext', DEFAULT_SANDBOX_LIMITS, () => {});
    const acc = { user: 'u', role: null, admin: false };
    const tokens = Array.from({ length: 600 }, () => state.mintToken(acc));
    expect(new Set(tokens).size).toBe(600);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(tokens.filter((t) => t === 'AAAAAAAAAAAAAAAAAAAAAAAA')).toEqual([]);
    expect(state.resolveToken(tokens[300])).toBe(acc);
    state.revokeToken(tokens[300]);
    expect(state.resolveToken(tokens[300])).toBeUndefined();
  });
});
