import type { CallAccountability } from '@annex/runtime';
import type { Accountability } from '../auth/accountability.js';

/**
 * Links the accountability a sandboxed call carries back to the host's real Accountability, so
 * capability calls act as the user the call was made for. The link is the object's identity:
 * the runtime hands exactly this object to the CapabilityHost, and only while its own token for
 * the call is valid (minted at the call, revoked when it ends). An isolate sees plain fields and
 * the runtime's token, never this object, so it cannot forge or keep the link.
 */
export function createCallTokens() {
  const links = new WeakMap<CallAccountability, Accountability>();
  return {
    issue(accountability: Accountability | null): CallAccountability | null {
      if (!accountability) return null;
      const value: CallAccountability = {
        user: accountability.user,
        role: accountability.role,
        admin: accountability.admin,
        app: accountability.app,
        ip: accountability.ip ?? null,
      };
      links.set(value, accountability);
      return value;
    },
    resolve(value: CallAccountability | null | undefined): Accountability | undefined {
      return value ? links.get(value) : undefined;
    },
  };
}
export type CallTokens = ReturnType<typeof createCallTokens>;
