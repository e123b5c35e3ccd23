import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import semver from 'semver';
import { MarketplaceErrors as E, isMarketplaceError } from '../errors.js';
import { tarballDigests } from '@annex/protocol/npm';
import type { ManifestFacts } from '../internal/extension-facts.js';
import type { Signer } from '../internal/signing.js';
import { isUuid } from './accounts.js';

export interface ExtensionRow {
  id: string;
  name: string;
  publisher_id: string;
  latest_version_id: string | null;
  type: string;
  host_version: string;
  execution: string;
  description: string | null;
  readme: string | null;
  license: string | null;
  total_downloads: number;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  id: string;
  extension_id: string;
  version: string;
  type: string;
  host_version: string;
  sandbox_enabled: boolean | number;
  execution: string;
  requested_scopes: string;
  bundled: string;
  package_json: string;
  integrity: string;
  shasum: string;
  manifest_digest: string;
  signature: string;
  key_id: string;
  tarball_size: number;
  unpacked_size: number;
  file_count: number;
  license: string | null;
  url_bugs: string | null;
  url_homepage: string | null;
  url_repository: string | null;
  publisher_id: string;
  publish_date: string;
  downloads: number;
}

/** Everything the registry stores about a new version, already validated by the caller. */
export interface NewVersion {
  publisherId: string;
  facts: ManifestFacts;
  description: string | null;
  readme: string | null;
  license: string | null;
  urls: { bugs: string | null; homepage: string | null; repository: string | null };
  /** The npm version document served in the packument (its `dist` is replaced). */
  packageJson: Record<string, unknown>;
  unpackedSize: number;
  fileCount: number;
  /** Dist-tag to point at this version (npm's `--tag`, default `latest`). */
  tag: string;
}

export interface ListQuery {
  search?: string;
  type?: string;
  sandbox?: boolean;
  by?: string;
  sort?: 'popular' | 'recent' | 'downloads';
  limit: number;
  offset: number;
}

const today = () => new Date().toISOString().slice(0, 10);

/** Extensions, versions, dist-tags, tarball files and download counts. */
export function createPackages(db: Knex, options: { tarballDir: string; signer: Signer }) {
  const tarballPath = (versionId: string) => join(options.tarballDir, `${versionId}.tgz`);

  async function findExtension(idOrName: string): Promise<ExtensionRow | undefined> {
    return isUuid(idOrName)
      ? db<ExtensionRow>('mkt_extensions').where({ id: idOrName }).first()
      : db<ExtensionRow>('mkt_extensions').where({ name: idOrName }).first();
  }

  async function getExtension(idOrName: string): Promise<ExtensionRow> {
    const row = await findExtension(idOrName);
    if (!row) throw E.MKT_EXTENSION_NOT_FOUND({ id: idOrName });
    return row;
  }

  async function getVersion(versionId: string): Promise<VersionRow> {
    const row = isUuid(versionId) ? await db<VersionRow>('mkt_versions').where({ id: versionId }).first() : undefined;
    if (!row) throw E.MKT_VERSION_NOT_FOUND({ id: versionId });
    return row;
  }

  /** Newest first (semver order). */
  async function listVersions(extensionId: string): Promise<VersionRow[]> {
    const rows = await db<VersionRow>('mkt_versions').where({ extension_id: extensionId });
    return rows.sort((a, b) => semver.rcompare(a.version, b.version));
  }

  async function distTags(extensionId: string): Promise<Record<string, string>> {
    const rows = await db('mkt_dist_tags').where({ extension_id: extensionId });
    return Object.fromEntries(rows.map((r: { tag: string; version: string }) => [r.tag, r.version]));
  }

  /**
   * Stores a version: writes the tarball, signs (name, version, integrity, manifest digest)
   * and records it. The caller has validated the tarball and its manifest.
   */
  async function insertVersion(input: NewVersion, tarball: Uint8Array): Promise<VersionRow> {
    const { facts } = input;
    const { integrity, shasum } = tarballDigests(tarball);
    const signature = options.signer.sign({
      name: facts.name,
      version: facts.version,
      integrity,
      manifestDigest: facts.manifestDigest,
    });
    const now = new Date().toISOString();
    const versionId = randomUUID();

    await mkdir(options.tarballDir, { recursive: true });
    const file = tarballPath(versionId);
    await writeFile(`${file}.tmp`, tarball, { mode: 0o644 });
    await rename(`${file}.tmp`, file);

    const row: VersionRow = {
      id: versionId,
      extension_id: '',
      version: facts.version,
      type: facts.type,
      host_version: facts.host,
      sandbox_enabled: facts.sandboxEnabled,
      execution: facts.execution,
      requested_scopes: JSON.stringify(facts.requestedScopes),
      bundled: JSON.stringify(facts.bundled),
      package_json: JSON.stringify(input.packageJson),
      integrity,
      shasum,
      manifest_digest: facts.manifestDigest,
      signature,
      key_id: options.signer.keyId,
      tarball_size: tarball.byteLength,
      unpacked_size: input.unpackedSize,
      file_count: input.fileCount,
      license: input.license,
      url_bugs: input.urls.bugs,
      url_homepage: input.urls.homepage,
      url_repository: input.urls.repository,
      publisher_id: input.publisherId,
      publish_date: now,
      downloads: 0,
    };
    const denormalised = {
      latest_version_id: versionId,
      type: facts.type,
      host_version: facts.host,
      execution: facts.execution,
      description: input.description,
      readme: input.readme,
      license: input.license,
      updated_at: now,
    };

    try {
      await db.transaction(async (trx) => {
        let ext = await trx<ExtensionRow>('mkt_extensions').where({ name: facts.name }).first();
        if (ext && ext.publisher_id !== input.publisherId) throw E.MKT_NOT_OWNER({ name: facts.name });
        if (!ext) {
          ext = {
            id: randomUUID(),
            name: facts.name,
            publisher_id: input.publisherId,
            total_downloads: 0,
            created_at: now,
            ...denormalised,
          };
          await trx('mkt_extensions').insert(ext);
        } else if (input.tag === 'latest') {
          await trx('mkt_extensions').where({ id: ext.id }).update(denormalised);
        } else {
          await trx('mkt_extensions').where({ id: ext.id }).update({ updated_at: now });
        }
        row.extension_id = ext.id;
        if (await trx('mkt_versions').where({ extension_id: ext.id, version: facts.version }).first()) {
          throw E.MKT_VERSION_EXISTS({ name: facts.name, version: facts.version });
        }
        await trx('mkt_versions').insert(row);
        await trx('mkt_dist_tags')
          .insert({ extension_id: ext.id, tag: input.tag, version: facts.version })
          .onConflict(['extension_id', 'tag'])
          .merge();
      });
    } catch (error) {
      await rm(file, { force: true });
      if (isMarketplaceError(error)) throw error;
      // a concurrent publish of the same version loses on the unique index
      if (/unique|duplicate/i.test(String((error as Error).message)))
        throw E.MKT_VERSION_EXISTS({ name: facts.name, version: facts.version });
      throw error;
    }
    return row;
  }

  /** Filters, sorts and pages extensions for the Directus list endpoint. */
  async function listExtensions(
    query: ListQuery,
  ): Promise<{ count: number; rows: (ExtensionRow & { recent_downloads: number })[] }> {
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const base = db('mkt_extensions as e').join('mkt_accounts as a', 'a.id', 'e.publisher_id');
    if (query.search) {
      const like = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base.where((w) =>
        w
          .whereRaw("lower(e.name) like ? escape '\\'", [like])
          .orWhereRaw("lower(coalesce(e.description, '')) like ? escape '\\'", [like]),
      );
    }
    if (query.type) base.where('e.type', query.type);
    if (query.sandbox) base.whereIn('e.execution', ['app', 'sandboxed']);
    if (query.by)
      base.where((w) =>
        isUuid(query.by!) ? w.where('a.id', query.by!) : w.where('a.username', query.by!.toLowerCase()),
      );

    const [{ count }] = await base.clone().count({ count: 'e.id' });
    const recent = db('mkt_downloads')
      .select('extension_id')
      .sum({ recent: 'count' })
      .where('day', '>=', since)
      .groupBy('extension_id')
      .as('r');
    const rows = base
      .clone()
      .leftJoin(recent, 'r.extension_id', 'e.id')
      .select('e.*', db.raw('coalesce(r.recent, 0) as recent_downloads'))
      .limit(query.limit)
      .offset(query.offset);
    if (query.sort === 'recent') rows.orderBy([{ column: 'e.updated_at', order: 'desc' }]);
    else if (query.sort === 'downloads') rows.orderBy([{ column: 'e.total_downloads', order: 'desc' }]);
    else
      rows.orderBy([
        { column: 'recent_downloads', order: 'desc' },
        { column: 'e.total_downloads', order: 'desc' },
      ]);
    rows.orderBy('e.name', 'asc');
    const result = (await rows) as (ExtensionRow & { recent_downloads: number | string })[];
    return { count: Number(count), rows: result.map((r) => ({ ...r, recent_downloads: Number(r.recent_downloads) })) };
  }

  return {
    tarballPath,
    findExtension,
    getExtension,
    getVersion,
    listVersions,
    distTags,
    insertVersion,
    listExtensions,
    async getVersionByNumber(extensionId: string, version: string): Promise<VersionRow> {
      const row = await db<VersionRow>('mkt_versions').where({ extension_id: extensionId, version }).first();
      if (!row) throw E.MKT_VERSION_NOT_FOUND({ version });
      return row;
    },
    async countDownload(version: VersionRow): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('mkt_versions').where({ id: version.id }).increment('downloads', 1);
        await trx('mkt_extensions').where({ id: version.extension_id }).increment('total_downloads', 1);
        await trx('mkt_downloads')
          .insert({ version_id: version.id, extension_id: version.extension_id, day: today(), count: 1 })
          .onConflict(['version_id', 'day'])
          .merge({ count: trx.raw('mkt_downloads.count + 1') });
      });
    },
    /** Daily download counts of an extension, oldest first. */
    async downloadSeries(extensionId: string): Promise<{ date: string; count: number }[]> {
      const rows = await db('mkt_downloads')
        .where({ extension_id: extensionId })
        .select('day')
        .sum({ count: 'count' })
        .groupBy('day')
        .orderBy('day');
      return (rows as unknown as { day: string; count: number | string }[]).map((r) => ({
        date: r.day,
        count: Number(r.count),
      }));
    },
  };
}

export type Packages = ReturnType<typeof createPackages>;
