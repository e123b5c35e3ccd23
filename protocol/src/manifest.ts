import { z } from 'zod';
import { APP_EXTENSION_TYPES, API_EXTENSION_TYPES, EXTENSION_PKG_KEY, NESTED_EXTENSION_TYPES } from './constants.js';
import { ScopesSchema, mergeScopes, type Scopes } from './scopes.js';

/**
 * The `directus:extension` manifest, as Directus defines it (zod semantics: unknown keys are
 * ignored, `host` is required, bundles are never sandboxed). Annex reads an optional `annex` key.
 */
const SplitEntrypoint = z.object({ app: z.string().min(1), api: z.string().min(1) });

const SandboxOptions = z
  .object({
    enabled: z.boolean().optional(),
    requestedScopes: ScopesSchema.optional(),
  })
  .optional();

const AnnexOptions = z
  .object({
    /** Capabilities beyond Directus's, merged with `sandbox.requestedScopes`. */
    scopes: ScopesSchema.optional(),
    /** Boot fails loudly (state `failed`, health `degraded`) when a required extension cannot load. */
    required: z.boolean().optional(),
    /** Built-ins only: cannot be disabled. */
    locked: z.boolean().optional(),
    /** Folder (in the package) of database migrations run once, in name order, before the extension activates. Trusted extensions only. */
    migrations: z.string().min(1).optional(),
  })
  .optional();

const Base = {
  host: z.string({ error: 'is required (a semver range of supported Directus versions, e.g. "^10.10.0")' }).min(1),
  hidden: z.boolean().optional(),
  annex: AnnexOptions,
};

const AppOptions = z.object({
  ...Base,
  type: z.enum(APP_EXTENSION_TYPES),
  path: z.string().min(1),
  source: z.string().min(1).optional(),
});
const ApiOptions = z.object({
  ...Base,
  type: z.enum(API_EXTENSION_TYPES),
  path: z.string().min(1),
  source: z.string().min(1).optional(),
  sandbox: SandboxOptions,
});
const HybridOptions = z.object({
  ...Base,
  type: z.literal('operation'),
  path: SplitEntrypoint,
  source: SplitEntrypoint.optional(),
  sandbox: SandboxOptions,
});
const BundleEntry = z.union([
  z.object({
    type: z.enum([...API_EXTENSION_TYPES, ...APP_EXTENSION_TYPES]),
    name: z.string().min(1),
    source: z.string().optional(),
  }),
  z.object({ type: z.literal('operation'), name: z.string().min(1), source: SplitEntrypoint.optional() }),
]);
const BundleOptions = z.object({
  ...Base,
  type: z.literal('bundle'),
  partial: z.boolean().optional(),
  path: z.object({ app: z.string().min(1).optional(), api: z.string().min(1).optional() }),
  entries: z.array(BundleEntry),
});

export const ExtensionOptionsSchema = z.discriminatedUnion('type', [
  AppOptions,
  ApiOptions,
  HybridOptions,
  BundleOptions,
]);

export const ExtensionManifestSchema = z.object({
  name: z.string({ error: 'is required' }).min(1),
  version: z.string({ error: 'is required' }).min(1),
  type: z.enum(['module', 'commonjs']).optional(),
  description: z.string().optional(),
  icon: z.string().optional(),
  license: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  [EXTENSION_PKG_KEY]: ExtensionOptionsSchema,
});

export type ExtensionOptions = z.infer<typeof ExtensionOptionsSchema>;
export type ExtensionManifest = z.infer<typeof ExtensionManifestSchema>;
export type BundleEntryOptions = z.infer<typeof BundleEntry>;

export interface ManifestIssue {
  /** Dotted path of the offending field, e.g. `directus:extension.type`. */
  path: string;
  message: string;
}

export type ManifestResult = { ok: true; manifest: ExtensionManifest } | { ok: false; issues: ManifestIssue[] };

function describeIssue(issue: z.core.$ZodIssue, input: unknown): ManifestIssue {
  const path = issue.path.map(String).join('.') || '(root)';
  const joined = issue.path.join('.');
  if (
    (issue.code === 'invalid_union' && joined === EXTENSION_PKG_KEY) ||
    (joined === `${EXTENSION_PKG_KEY}.type` && /discriminator/i.test(issue.message))
  ) {
    const type = (input as Record<string, any>)?.[EXTENSION_PKG_KEY]?.type;
    return {
      path: `${EXTENSION_PKG_KEY}.type`,
      message: `must be one of ${[...NESTED_EXTENSION_TYPES, 'bundle'].join(', ')} (got ${JSON.stringify(type)})`,
    };
  }
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) {
    return { path, message: issue.message.startsWith('is required') ? issue.message : 'is required' };
  }
  if (issue.code === 'invalid_value') {
    const values = (issue as { values?: unknown[] }).values;
    if (values) return { path, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `has unknown key(s): ${(issue as { keys: string[] }).keys.join(', ')}` };
  }
  return { path, message: issue.message };
}

/** Parses a package.json object; issues name the field and say what is expected. */
export function parseManifest(pkg: unknown): ManifestResult {
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) {
    return { ok: false, issues: [{ path: '(root)', message: 'package.json must contain a JSON object' }] };
  }
  if (!(EXTENSION_PKG_KEY in pkg)) {
    return {
      ok: false,
      issues: [{ path: EXTENSION_PKG_KEY, message: 'is required: this package is not a Directus/Annex extension' }],
    };
  }
  const result = ExtensionManifestSchema.safeParse(pkg);
  if (result.success) return { ok: true, manifest: result.data };
  const seen = new Set<string>();
  const issues: ManifestIssue[] = [];
  // An unknown `type` stops the discriminated union early; still report the base fields.
  const options = (pkg as Record<string, unknown>)[EXTENSION_PKG_KEY];
  const base = z.object(Base).safeParse(typeof options === 'object' && options !== null ? options : {});
  const extra = base.success ? [] : base.error.issues.map((i) => ({ ...i, path: [EXTENSION_PKG_KEY, ...i.path] }));
  for (const issue of [...result.error.issues, ...extra]) {
    const d = describeIssue(issue as z.core.$ZodIssue, pkg);
    const key = `${d.path}: ${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(d);
    }
  }
  return { ok: false, issues };
}

/** One line per issue: `directus:extension.host is required ...`. */
export function formatManifestIssues(issues: ManifestIssue[]): string {
  return issues.map((i) => `${i.path} ${i.message}`).join('; ');
}

/** Requested scopes of a manifest: Directus's `sandbox.requestedScopes` merged with `annex.scopes`. */
export function getRequestedScopes(options: ExtensionOptions): Scopes {
  const sandbox = 'sandbox' in options ? options.sandbox : undefined;
  return mergeScopes(sandbox?.requestedScopes ?? {}, options.annex?.scopes ?? {});
}

export { isSandboxed } from './sandboxed.js';

/**
 * An npm package name (`name` or `@scope/name`, at most one slash), in any case: what an
 * extension id may be, so no package can pass for a bundle entry `<package>/<entry>` and no
 * tarball name built from it leaves its folder.
 */
export const PACKAGE_NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/i;
