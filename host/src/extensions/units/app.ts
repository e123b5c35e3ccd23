import type { Kernel } from '../../kernel.js';
import type { ExtensionScope } from '../scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from '../types.js';

/**
 * App entries (interfaces, displays, …, the app half of operations and bundles): the admin app
 * loads them from the app registry. Trusted or not, their code only ever runs in the browser.
 */
export function registerAppUnit(
  kernel: Kernel,
  scope: ExtensionScope,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
): void {
  if (!unit.entry.app) return;
  const bundle = desc.type === 'bundle';
  scope.defer(
    kernel.apps.register({
      id: unit.id,
      extension: desc.id,
      type: bundle ? unit.type : desc.type,
      file: unit.entry.app,
      source: desc.source,
      // `index`: the entry's position among the bundle's entries of its type (ids may hold ':').
      ...(bundle
        ? {
            entries: [
              { name: unit.name, type: unit.type, index: desc.units.filter((u) => u.type === unit.type).indexOf(unit) },
            ],
          }
        : {}),
    }),
  );
}
