import type { SandboxEngineOptions, SandboxEvent, SandboxExtensionSpec } from '../types.js';
import { createGate } from './gate.js';
import { refuseDynamicImports } from './imports.js';
import { InstanceState } from './instance-state.js';
import { normaliseSpec } from './spec.js';

/**
 * What both engines build before loading an extension: the normalised spec and limits, the
 * per-instance state (calls, tokens, faults) and the capability gate bound to that state.
 * Code with a literal dynamic `import()` is refused here, before any isolate exists.
 */
export async function prepareLoad(
  input: SandboxExtensionSpec,
  options: SandboxEngineOptions,
  emit: (event: SandboxEvent) => void,
) {
  const { spec, limits } = normaliseSpec(input, options.defaults);
  await refuseDynamicImports(spec.code, spec.filename);
  const state = new InstanceState(spec.id, limits, emit);
  const gate = createGate({
    id: spec.id,
    version: spec.version,
    granted: spec.grantedScopes,
    limits,
    capabilityHost: options.capabilityHost,
    request: options.request,
    logger: options.logger,
    resolveToken: (t) => state.resolveToken(t),
    onSideEffect: () => state.markSideEffects(),
    quarantined: () => state.quarantined,
  });
  return { spec, limits, state, gate };
}
