import { ScopesSchema } from '@annex/protocol';
import type { SandboxExtensionSpec, SandboxLimits, SandboxEngineOptions } from '../types.js';
import { RuntimeErrors } from '../errors.js';
import { resolveLimits } from './limits.js';

const TYPES = ['hook', 'endpoint', 'operation'];

/** Check a spec once, at the edge, and return it normalised with its resolved limits. */
export function normaliseSpec(
  spec: SandboxExtensionSpec,
  defaults: SandboxEngineOptions['defaults'],
): { spec: SandboxExtensionSpec; limits: SandboxLimits } {
  const bad = (reason: string): never => {
    throw RuntimeErrors.RT_INVALID_SPEC({ reason });
  };
  if (!spec || typeof spec !== 'object') bad('spec must be an object');
  if (typeof spec.id !== 'string' || !spec.id) bad('id must be a non-empty string');
  if (typeof spec.version !== 'string') bad('version must be a string');
  if (!TYPES.includes(spec.type)) bad(`type must be one of ${TYPES.join(', ')}`);
  if (typeof spec.code !== 'string') bad('code must be a string');
  if (typeof spec.filename !== 'string' || !spec.filename) bad('filename must be a non-empty string');
  if (spec.sourceMap !== undefined && typeof spec.sourceMap !== 'string') bad('sourceMap must be a string');
  const scopes = ScopesSchema.safeParse(spec.grantedScopes ?? {});
  if (!scopes.success)
    bad(`grantedScopes: ${scopes.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env ?? {})) {
    if (typeof v !== 'string') bad(`env.${k} must be a string`);
    env[k] = v;
  }
  const limits = resolveLimits(defaults, spec.limits);
  return { spec: { ...spec, grantedScopes: scopes.data!, env }, limits };
}
