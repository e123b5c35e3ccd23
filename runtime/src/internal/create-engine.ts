import type { SandboxEngine, SandboxEngineOptions } from '../types.js';
import { RuntimeErrors } from '../errors.js';
import { createInlineEngine } from './inline-engine.js';
import { createProcessEngine } from './process/process-engine.js';

/** Create a sandbox engine: `process` (default, supervised worker processes) or `inline`. */
export function createSandboxEngine(options: SandboxEngineOptions): SandboxEngine {
  if (!options || typeof options !== 'object')
    throw RuntimeErrors.RT_INVALID_SPEC({ reason: 'engine options are required' });
  const host = options.capabilityHost;
  if (
    !host ||
    typeof host.items !== 'function' ||
    typeof host.storage !== 'function' ||
    typeof host.emit !== 'function' ||
    typeof host.log !== 'function'
  ) {
    throw RuntimeErrors.RT_INVALID_SPEC({ reason: 'capabilityHost must implement items, storage, emit and log' });
  }
  const kind = options.kind ?? 'process';
  if (kind === 'inline') return createInlineEngine(options);
  if (kind === 'process') return createProcessEngine(options);
  throw RuntimeErrors.RT_INVALID_SPEC({ reason: `unknown engine kind "${String(kind)}"` });
}
