import fs from 'node:fs';
import type { CallOptions, SandboxInstance } from '@annex/runtime';
import type { Scopes } from '@annex/protocol';
import { errors } from '../errors.js';
import { eventGranted } from './units/sandboxed-events.js';
import type { Accountability } from '../auth/accountability.js';
import { withExtensionChain } from '../flows/chain.js';
import type { Kernel } from '../kernel.js';
import type { CallTokens } from '../sandbox/call-tokens.js';
import type { ExtensionScope } from './scope.js';
import type { ExtensionDescriptor, ExtensionUnit } from './types.js';
import { getUnitRegistrar } from './units/registrars.js';

// The entry and its map are read synchronously (as Node's module loader reads files): a promise-based
// read's trips through the thread pool cost several times the CPU of the read, on every activation.
function readSourceMap(file: string): string | undefined {
  try {
    return fs.readFileSync(`${file}.map`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Loads a sandboxed unit into the sandbox engine and hands what it registered to its type's
 * registrar, which maps it onto the host's mounts, emitter, scheduler, embeds and operations.
 */
export async function activateSandboxedUnit(
  kernel: Kernel,
  tokens: CallTokens,
  scope: ExtensionScope,
  desc: ExtensionDescriptor,
  unit: ExtensionUnit,
  granted: Scopes,
  /** Records the events a hook registers for; resolves the grant then in force, or null while an admin must grant. */
  requestEvents?: (events: string[]) => Promise<Scopes | null>,
): Promise<SandboxInstance> {
  const engine = await kernel.sandbox();
  const file = unit.entry.api!;
  const code = fs.readFileSync(file, 'utf8');
  const allowed = new Set(kernel.config.envAllowList);
  const env: Record<string, string> = {};
  for (const name of granted.env ?? [])
    if (allowed.has(name) && kernel.config.env[name] !== undefined) env[name] = kernel.config.env[name]!;
  const instance = await engine.load({
    id: unit.id,
    version: desc.version,
    type: unit.type as 'hook' | 'endpoint' | 'operation',
    code,
    filename: file,
    sourceMap: readSourceMap(file),
    grantedScopes: granted,
    env,
    limits: {
      memoryMb: kernel.config.sandbox.memoryMb,
      cpuTimeoutMs: kernel.config.sandbox.timeoutMs,
      wallTimeoutMs: kernel.config.sandbox.wallTimeoutMs,
    },
  });
  scope.defer(() => instance.dispose());

  const call = (handler: number, args: unknown[], accountability: Accountability | null, options?: CallOptions) =>
    scope.track(() =>
      withExtensionChain(unit.id, () => instance.call(handler, args, tokens.issue(accountability), options)),
    );

  // Listening to events is the `events` scope, read from what the hook registers (a Directus manifest
  // cannot request it): operator-placed code gets it at load under EXTENSIONS_SANDBOX_GRANT=local; a
  // marketplace install waits (pending) until an administrator grants the names it registers.
  let inForce = granted;
  const regs = instance.registrations;
  const listened = [...new Set([...regs.filters, ...regs.actions].map((r) => r.event))];
  if (listened.some((e) => !eventGranted(e, inForce))) {
    const now = requestEvents ? await requestEvents(listened.filter((e) => !eventGranted(e, inForce))) : null;
    if (!now || listened.some((e) => !eventGranted(e, now))) throw errors.HOST_SCOPES_PENDING({ id: desc.id });
    inForce = now;
  }
  getUnitRegistrar(unit.type)?.sandboxed({ kernel, scope, unit, registrations: regs, granted: inForce, call });
  return instance;
}
