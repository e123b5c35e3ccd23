import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';

/**
 * A registry that speaks only the Directus registry API (`/version`, `/extensions`,
 * `/extensions/:id`, `/accounts/:id`, `/download/:versionId`) the way registry.directus.io
 * publishes it — nulls, fields of its own (`formatted_name`, `images`, `recent_downloads_7_days`,
 * `sandbox_requested_scopes: null`) — with `/download` redirecting to npm-style tarballs whose
 * packument (`/npm/<name>`) records `dist.integrity`. No Annex route, no signature.
 */
export interface FixtureVersion {
  /** Folder of the package (its package.json gives name, version, type, host). */
  dir: string;
  /** Serve other bytes than the packument's integrity says (a tampered tarball). */
  tamper?: boolean;
}

export interface DirectusRegistry {
  url: string;
  extensionId(name: string): string;
  versionId(name: string, version: string): string;
  downloads: string[];
  close(): Promise<void>;
}

interface Built {
  id: string;
  name: string;
  version: string;
  manifest: { type: string; host: string; sandbox?: { enabled?: boolean } };
  tgz: Buffer;
  integrity: string;
  tamper: boolean;
  published: string;
}

async function pack(dir: string): Promise<Buffer> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'annex-dreg-')), 'p.tgz');
  await tar.c({ gzip: true, file: out, cwd: dir, prefix: 'package', portable: true }, fs.readdirSync(dir));
  return fs.readFileSync(out);
}

export async function startDirectusRegistry(
  versions: FixtureVersion[],
  publisher = { username: 'rijk', verified: true },
): Promise<DirectusRegistry> {
  const accountId = randomUUID();
  const built: Built[] = [];
  const extensionIds = new Map<string, string>();
  for (const v of versions) {
    const pkg = JSON.parse(fs.readFileSync(path.join(v.dir, 'package.json'), 'utf8'));
    const tgz = await pack(v.dir);
    if (!extensionIds.has(pkg.name)) extensionIds.set(pkg.name, randomUUID());
    built.push({
      id: randomUUID(),
      name: pkg.name,
      version: pkg.version,
      manifest: pkg['directus:extension'],
      tgz,
      integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
      tamper: v.tamper === true,
      published: new Date(Date.now() - built.length * 1000).toISOString(),
    });
  }
  const downloads: string[] = [];
  const pub = {
    id: accountId,
    username: publisher.username,
    verified: publisher.verified,
    github_name: null,
    github_avatar_url: null,
  };
  const versionsOf = (name: string) =>
    built
      .filter((b) => b.name === name)
      .sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
  const listing = (name: string) => {
    const latest = versionsOf(name)[0]!;
    return {
      id: extensionIds.get(name),
      name,
      description: null,
      total_downloads: 12,
      verified: publisher.verified,
      type: latest.manifest.type,
      last_updated: latest.published,
      host_version: latest.manifest.host,
      sandbox: latest.manifest.sandbox?.enabled === true,
      license: null,
      publisher: { username: publisher.username, verified: publisher.verified, github_name: null },
      // Fields the Directus registry publishes that its client does not read:
      formatted_name: name.replace(/-/g, ' '),
      images: [],
      recent_downloads_7_days: 3,
      sandbox_requested_scopes: null,
    };
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: http.ServerResponse) =>
    json(res, 404, { errors: [{ message: 'Not found', extensions: { code: 'ROUTE_NOT_FOUND' } }] });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const names = [...extensionIds.keys()];
    if (url.pathname === '/version') return json(res, 200, { version: '2024-01-29' });
    if (parts[0] === 'extensions' && parts.length === 1) {
      const search = url.searchParams.get('search') ?? '';
      const type = url.searchParams.get('type');
      const data = names
        .filter((n) => n.includes(search))
        .map(listing)
        .filter((l) => !type || l.type === type);
      return json(res, 200, { meta: { filter_count: data.length }, data });
    }
    if (parts[0] === 'extensions' && parts.length === 2) {
      const name = names.find((n) => extensionIds.get(n) === parts[1] || n === parts[1]);
      if (!name) return notFound(res);
      const l = listing(name);
      return json(res, 200, {
        data: {
          ...l,
          downloads: null,
          readme: null,
          versions: versionsOf(name).map((b) => ({
            id: b.id,
            version: b.version,
            verified: publisher.verified,
            type: b.manifest.type,
            host_version: b.manifest.host,
            publish_date: b.published,
            unpacked_size: b.tgz.length * 3,
            file_count: 2,
            url_bugs: null,
            url_homepage: null,
            url_repository: null,
            license: null,
            publisher: pub,
            bundled: [],
            maintainers: null,
            sandbox_requested_scopes: null,
            images: null,
          })),
        },
      });
    }
    if (parts[0] === 'accounts' && parts[1] === accountId)
      return json(res, 200, {
        data: {
          ...pub,
          github_username: null,
          github_company: null,
          github_blog: null,
          github_location: null,
          github_bio: null,
        },
      });
    if (parts[0] === 'download' && parts.length === 2) {
      const b = built.find((x) => x.id === parts[1]);
      if (!b) return notFound(res);
      downloads.push(b.version);
      res.writeHead(302, { location: `/npm/${encodeURIComponent(b.name)}/-/${b.name}-${b.version}.tgz` });
      return res.end();
    }
    if (parts[0] === 'npm' && parts.length === 2) {
      const list = versionsOf(parts[1]!);
      if (!list.length) return notFound(res);
      return json(res, 200, {
        name: parts[1],
        versions: Object.fromEntries(
          list.map((b) => [
            b.version,
            {
              name: b.name,
              version: b.version,
              dist: { integrity: b.integrity, tarball: `/npm/${b.name}/-/${b.name}-${b.version}.tgz` },
            },
          ]),
        ),
      });
    }
    if (parts[0] === 'npm' && parts[2] === '-' && parts.length === 4) {
      const b = built.find((x) => x.name === parts[1] && parts[3] === `${x.name}-${x.version}.tgz`);
      if (!b) return notFound(res);
      const bytes = b.tamper ? Buffer.concat([b.tgz.subarray(0, b.tgz.length - 8), Buffer.alloc(8, 0)]) : b.tgz;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
      return res.end(bytes);
    }
    notFound(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    downloads,
    extensionId: (name) => extensionIds.get(name)!,
    versionId: (name, version) => built.find((b) => b.name === name && b.version === version)!.id,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
