import { EXTENSION_TYPES, ScopesSchema } from '@annex/protocol';
import { z } from 'zod';

/**
 * Response shapes of the Directus registry API as `@directus/extensions-registry` reads them, with
 * Annex's extras optional and nullable: a registry that speaks only Directus's API (nulls and
 * fields of its own included; unknown keys are dropped) is browsed and installed from, and Annex
 * signatures are checked when a registry offers them.
 */
const nullableString = z.string().nullable();
const Type = z.enum(EXTENSION_TYPES);
const Execution = z.enum(['app', 'sandboxed', 'unsandboxed']);

export const VersionResponse = z.object({ version: z.string() });

export const ListItem = z.object({
  id: z.string(),
  name: z.string(),
  description: nullableString,
  total_downloads: z.number(),
  verified: z.boolean(),
  type: Type,
  last_updated: z.string(),
  host_version: z.string(),
  sandbox: z.boolean(),
  license: nullableString,
  publisher: z.object({ username: z.string(), verified: z.boolean(), github_name: nullableString }),
  execution: Execution.nullish(),
  latest_version: nullableString.optional(),
  requested_scopes: ScopesSchema.nullish(),
});

export const ListResponse = z.object({ meta: z.object({ filter_count: z.number() }), data: z.array(ListItem) });

const Publisher = z.object({
  id: z.string(),
  username: z.string(),
  verified: z.boolean(),
  github_name: nullableString,
  github_avatar_url: nullableString,
});

/** A version id becomes a folder name (`.registry/<id>`): no separators, no dot-names. */
const VersionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a version id is letters, digits, ".", "_" and "-"');

export const ExtensionVersion = z.object({
  id: VersionId,
  version: z.string(),
  verified: z.boolean(),
  type: Type,
  host_version: z.string(),
  publish_date: z.string(),
  unpacked_size: z.number(),
  file_count: z.number(),
  url_bugs: nullableString,
  url_homepage: nullableString,
  url_repository: nullableString,
  license: nullableString,
  publisher: Publisher,
  bundled: z.array(z.object({ name: z.string(), type: z.string() })),
  maintainers: z.array(z.object({ accounts_id: Publisher })).nullable(),
  // Annex
  extension_id: z.string().nullish(),
  name: z.string().nullish(),
  sandbox: z.boolean().nullish(),
  sandbox_enabled: z.boolean().nullish(),
  execution: Execution.nullish(),
  sandbox_requested_scopes: ScopesSchema.nullish(),
  integrity: z.string().nullish(),
  shasum: z.string().nullish(),
  publisher_signature: z.string().nullish(),
  manifest_digest: z.string().nullish(),
  signature: z.string().nullish(),
  signature_key_id: z.string().nullish(),
  tarball: z.string().nullish(),
  tarball_size: z.number().nullish(),
  downloads: z.number().nullish(),
  dist_tags: z.array(z.string()).nullish(),
});

export const DescribeResponse = z.object({
  data: z.object({
    id: z.string(),
    name: z.string(),
    description: nullableString,
    total_downloads: z.number(),
    downloads: z.array(z.object({ date: z.string(), count: z.number() })).nullable(),
    verified: z.boolean(),
    readme: nullableString,
    type: Type,
    license: nullableString,
    versions: z.array(ExtensionVersion),
    // Annex
    execution: Execution.nullish(),
    latest_version: nullableString.optional(),
    dist_tags: z.record(z.string(), z.string()).nullish(),
  }),
});

export const AccountResponse = z.object({
  data: z.object({
    id: z.string(),
    username: z.string(),
    verified: z.boolean(),
    github_username: nullableString,
    github_avatar_url: nullableString,
    github_name: nullableString,
    github_company: nullableString,
    github_blog: nullableString,
    github_location: nullableString,
    github_bio: nullableString,
  }),
});

export const VersionDetailsResponse = z.object({ data: ExtensionVersion });

export const PublicKeyResponse = z.object({
  algorithm: z.literal('ed25519'),
  key_id: z.string(),
  public_key: z.string(),
});

export type ListResult = z.infer<typeof ListResponse>;
export type ListItem = z.infer<typeof ListItem>;
export type ExtensionDetails = z.infer<typeof DescribeResponse>['data'];
export type ExtensionVersion = z.infer<typeof ExtensionVersion>;
export type Account = z.infer<typeof AccountResponse>['data'];

/** `GET /extensions` query, as `@directus/extensions-registry`'s `ListQuery`. */
export interface ListQuery {
  search?: string;
  type?: (typeof EXTENSION_TYPES)[number];
  sandbox?: boolean;
  by?: string;
  sort?: 'popular' | 'recent' | 'downloads';
  limit?: number;
  offset?: number;
}
