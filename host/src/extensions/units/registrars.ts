import type { ApiExtensionType, HybridExtensionType } from '@annex/protocol';
import { endpointRegistrar } from './endpoint.js';
import { hookRegistrar } from './hook.js';
import { operationRegistrar } from './operation.js';
import type { UnitRegistrar } from './types.js';

/** The registrar of every unit type with an API side; app entries go through `registerAppUnit`. */
export const API_UNIT_REGISTRARS: Record<ApiExtensionType | HybridExtensionType, UnitRegistrar> = {
  endpoint: endpointRegistrar,
  hook: hookRegistrar,
  operation: operationRegistrar,
};

/** The registrar for an API unit's type (the manifest schema admits no other). */
export function getUnitRegistrar(type: string): UnitRegistrar | undefined {
  return Object.hasOwn(API_UNIT_REGISTRARS, type)
    ? API_UNIT_REGISTRARS[type as keyof typeof API_UNIT_REGISTRARS]
    : undefined;
}
