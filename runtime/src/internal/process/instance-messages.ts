import type { SandboxEvent } from '../../types.js';
import type { FromWorker, ToWorker } from '../worker/messages.js';
import type { SlotInstance } from './worker-slot.js';

type InstanceMessage = Extract<FromWorker, { t: 'cap' | 'fire' | 'log' | 'event' }>;

/**
 * What an isolate sent out, on the host side: capability calls go through the instance's
 * gate (scope, schema, payload checks, then the CapabilityHost) and are answered with `reply`.
 */
export function routeInstanceMessage(
  inst: SlotInstance,
  m: InstanceMessage,
  reply: (message: ToWorker) => void,
  emit: (event: SandboxEvent) => void,
): void {
  switch (m.t) {
    case 'cap':
      void inst.gate
        .call(m.name, m.args, m.token)
        .then((env) => reply({ t: 'capres', key: m.key, id: m.id, ok: env.ok, value: env.ok ? env.value : env.error }));
      return;
    case 'fire':
      inst.gate.fire(m.name, m.args);
      return;
    case 'log':
      inst.gate.log(m.level, m.message);
      return;
    case 'event':
      if (m.event.type === 'fault') inst.state.recordFault(m.event.error);
      else emit({ type: 'recreated', id: inst.spec.id, reason: m.event.reason });
      return;
  }
}
