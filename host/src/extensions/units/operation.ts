import type { Accountability } from '../../auth/accountability.js';
import { errors } from '../../errors.js';
import type { OperationHandler } from '../registries.js';
import { eventContextCopy } from './sandboxed-events.js';
import type { UnitRegistrar } from './types.js';

/** Operations: a flow operation id answered by the extension's handler or its isolate's. */
export const operationRegistrar: UnitRegistrar = {
  trusted({ kernel, scope, unit, context }, config) {
    const c = config as { id?: unknown; handler?: unknown } | null;
    if (!c || typeof c.id !== 'string' || typeof c.handler !== 'function') {
      throw errors.HOST_INVALID_EXPORT({ id: unit.id, reason: 'an operation api entry exports {id, handler}' });
    }
    const handler = c.handler as OperationHandler;
    scope.defer(
      kernel.operations.register(
        c.id,
        (options, flowContext) => scope.track(() => handler(options, { ...context, ...flowContext })),
        unit.id,
        scope.gen,
      ),
    );
    return undefined;
  },

  sandboxed({ kernel, scope, unit, registrations, call }) {
    if (!registrations.operation) return;
    const h = registrations.operation.handler;
    scope.defer(
      kernel.operations.register(
        registrations.operation.id,
        (options, flowContext) =>
          call(
            h,
            [options, { data: flowContext.data ?? {}, accountability: eventContextCopy(flowContext).accountability }],
            (flowContext.accountability as Accountability) ?? null,
          ),
        unit.id,
        scope.gen,
        { exclusive: true },
      ),
    );
  },
};
