import { errors } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { createExtensionContext } from './context.js';
import type { ExtensionScope } from './scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';
import { getUnitRegistrar } from './units/registrars.js';

async function withTimeout<T>(promise: T | Promise<T>, ms: number, id: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(errors.HOST_REGISTER_TIMEOUT({ id, ms })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers one trusted API unit from its config (default export, or a bundle's entry config)
 * into `scope`; on failure the caller disposes the scope.
 */
export async function activateTrustedUnit(
  kernel: Kernel,
  scope: ExtensionScope,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
  config: unknown,
  registerTimeoutMs = 10_000,
): Promise<void> {
  const registrar = getUnitRegistrar(unit.type);
  if (!registrar) return;
  const context = createExtensionContext(kernel, desc, unit, scope);
  try {
    await withTimeout(registrar.trusted({ kernel, scope, desc, unit, context }, config), registerTimeoutMs, unit.id);
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (code && code.startsWith('HOST_')) throw e;
    throw errors.HOST_REGISTER_FAILED(
      { id: unit.id, reason: e instanceof Error ? e.message : String(e) },
      { cause: e },
    );
  }
}
