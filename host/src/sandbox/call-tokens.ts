import { randomUUID } from 'node:crypto';
import type { CallAccountability } from '@annex/runtime';
import type { Accountability } from '../auth/accountability.js';

/**
 * Host-issued tokens that let a sandboxed call act as the user it was invoked for. A token is
 * valid only while that call is in flight; the extension never sees the real accountability.
 */
export function createCallTokens() {
  const live = new Map<string, Accountability>();
  return {
    issue(accountability: Accountability | null): { value: CallAccountability | null; release(): void } {
      if (!accountability) return { value: null, release() {} };
      const token = randomUUID();
      live.set(token, accountability);
      const value: CallAccountability = {
        user: accountability.user,
        role: accountability.role,
        admin: accountability.admin,
        app: accountability.app,
        ip: accountability.ip ?? null,
        token,
      };
      return { value, release: () => void live.delete(token) };
    },
    resolve(token: string | undefined): Accountability | undefined {
      return token ? live.get(token) : undefined;
    },
    size: () => live.size,
  };
}
export type CallTokens = ReturnType<typeof createCallTokens>;
