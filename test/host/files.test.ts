import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

/** Uploads (multipart) into directus_files and the local storage, and /assets, with the attacks on them. */
let t: TestHost;
let uploads: string;
let viewer: { token: string };

beforeAll(async () => {
  // A trusted endpoint that reads the raw body itself, as Express extensions do with req.pipe / for await.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-raw-'));
  writeEndpoint(root, 'raw-body', '', {
    raw: `import { Writable } from 'node:stream';
let release;
export default (router) => {
  router.get('/events', (_req, res) => {
    res.set('Content-Type', 'text/event-stream');
    res.write('data: first\\n\\n');
    new Promise((r) => (release = r)).then(() => {
      res.write('data: second\\n\\n');
      res.end();
    });
  });
  router.post('/release', (_req, res) => {
    release?.();
    res.json({ released: true });
  });
  router.post('/iterate', async (req, res) => {
    let bytes = 0;
    for await (const chunk of req) bytes += chunk.length;
    res.json({ bytes });
  });
  router.post('/pipe', (req, res) => {
    let bytes = 0;
    req.pipe(new Writable({ write(chunk, _enc, done) { bytes += chunk.length; done(); }, final(done) { res.json({ bytes }); done(); } }));
  });
};
`,
  });
  t = await startHost({ extensions: [path.join(root, 'raw-body')], env: { FILES_MAX_UPLOAD_SIZE: String(64 * 1024) } });
  uploads = t.host.config.files.root;
  viewer = await createUser(t, 'viewer', []);
});
afterAll(() => t?.close());

function upload(
  name: string,
  type: string,
  body: string | Buffer,
  extra: Record<string, string> = {},
  token: string | null = t.token,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append('file', new Blob([body], { type }), name);
  return fetch(`${t.url}/files`, {
    method: 'POST',
    body: form,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
}
const diskFiles = () => (fs.existsSync(uploads) ? fs.readdirSync(uploads) : []);

describe('files and assets', () => {
  it('uploads a file: a row with its facts, the bytes on disk under a name the host chose, served back by /assets', async () => {
    const res = await upload('Photo of Lisbon.PNG', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), {
      title: 'Lisbon',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const file = res.body.data;
    expect(file).toMatchObject({
      filename_download: 'Photo of Lisbon.PNG',
      title: 'Lisbon',
      type: 'image/png',
      filesize: 7,
      storage: 'local',
    });
    expect(file.filename_disk).toBe(`${file.id}.png`);
    expect(fs.readFileSync(path.join(uploads, file.filename_disk))).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    );
    const asset = await fetch(`${t.url}/assets/${file.id}?access_token=${t.token}`);
    expect(asset.headers.get('content-type')).toBe('image/png');
    expect(asset.headers.get('content-disposition')).toContain('inline');
    expect(Buffer.from(await asset.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const download = await fetch(`${t.url}/assets/${file.id}?download&access_token=${t.token}`);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''Photo%20of%20Lisbon.PNG`);
    expect((await t.api('GET', `/files/${file.id}`)).body.data.title).toBe('Lisbon');
  });

  it('serves active content (HTML, SVG) only as a download, never sniffed, in a sandbox', async () => {
    const res = await upload('evil.html', 'text/html', '<script>alert(document.cookie)</script>');
    const asset = await fetch(`${t.url}/assets/${res.body.data.id}?access_token=${t.token}`);
    expect(asset.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(asset.headers.get('content-type')).toBe('application/octet-stream');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asset.headers.get('content-security-policy')).toContain('sandbox');
    const svg = await upload('x.svg', 'image/svg+xml', '<svg onload="alert(1)"/>');
    expect(
      (await fetch(`${t.url}/assets/${svg.body.data.id}?access_token=${t.token}`)).headers.get('content-disposition'),
    ).toMatch(/^attachment/);
  });

  it('keeps client names off the disk, refuses oversized uploads and rows that point elsewhere, leaving nothing behind', async () => {
    const traversal = await upload('../../../etc/passwd', 'text/plain', 'x');
    expect(traversal.body.data.filename_disk).toMatch(/^[0-9a-f-]{36}$/);
    expect(fs.existsSync(path.join(uploads, traversal.body.data.filename_disk))).toBe(true);
    const before = diskFiles().length;
    const rows = (await t.api('GET', '/files?aggregate[count]=*')).body.data[0].count;
    const big = await upload('big.bin', 'application/octet-stream', Buffer.alloc(64 * 1024 + 1));
    expect([big.status, big.body.errors[0].extensions.code]).toEqual([413, 'HOST_FILE_TOO_LARGE']);
    expect(diskFiles().length).toBe(before);
    expect((await t.api('GET', '/files?aggregate[count]=*')).body.data[0].count).toBe(rows);
    // The storage columns are the host's: no pointing a row at another file, no rows without an upload.
    const patched = await t.api('PATCH', `/files/${traversal.body.data.id}`, { filename_disk: '../annex.db' });
    expect(patched.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
    expect(
      (await t.api('POST', '/files', { filename_download: 'x', filename_disk: 'annex.db', storage: 'local' })).body
        .errors[0].extensions.code,
    ).toBe('INVALID_PAYLOAD');
    expect((await t.api('PATCH', `/files/${traversal.body.data.id}`, { title: 'renamed' })).body.data.title).toBe(
      'renamed',
    );
  });

  it('nested writes and the generic items service cannot forge file rows or repoint them (nor write the activity log)', async () => {
    const a = (await upload('a.txt', 'text/plain', 'aaa')).body.data;
    const b = (await upload('b.txt', 'text/plain', 'bbb')).body.data;
    expect(
      (
        await t.api('POST', '/collections', {
          collection: 'albums',
          fields: [
            { field: 'name', type: 'string' },
            { field: 'cover', type: 'uuid', related_collection: 'directus_files' },
            { field: 'log', type: 'integer', related_collection: 'directus_activity' },
          ],
        })
      ).status,
    ).toBe(200);
    const code = async (body: object) => (await t.api('POST', '/items/albums', body)).body.errors?.[0]?.extensions.code;
    // A row pointing at another upload's bytes, made or repointed through a relation.
    expect(
      await code({
        name: 'x',
        cover: { filename_download: 'b.txt', filename_disk: b.filename_disk, storage: 'local' },
      }),
    ).toBe('INVALID_PAYLOAD');
    expect(await code({ name: 'x', cover: { id: a.id, filename_disk: b.filename_disk } })).toBe('INVALID_PAYLOAD');
    expect((await t.api('GET', `/files/${a.id}`)).body.data.filename_disk).toBe(a.filename_disk);
    // The activity log is the host's, even for an administrator.
    expect(await code({ name: 'x', log: { action: 'login', collection: 'directus_users', item: 'forged' } })).toBe(
      'INVALID_PAYLOAD',
    );
    // Linking an uploaded file by its key, and renaming it through the relation, still work.
    const album = await t.api('POST', '/items/albums', { name: 'ok', cover: { id: a.id, title: 'Cover' } });
    expect(album.status, JSON.stringify(album.body)).toBe(200);
    expect(
      (await t.api('GET', `/items/albums/${album.body.data.id}?fields=cover.title,cover.filename_disk`)).body.data,
    ).toEqual({ cover: { title: 'Cover', filename_disk: a.filename_disk } });
    expect((await t.api('GET', '/items/albums?meta=filter_count&fields=id')).body.meta.filter_count).toBe(1);
  });

  it('a trusted endpoint can read a raw request body as a stream (req.pipe, for await), as on Express', async () => {
    const body = Buffer.alloc(200_000, 7);
    for (const route of ['iterate', 'pipe']) {
      const res = await fetch(`${t.url}/raw-body/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
      });
      expect([route, await res.json()]).toEqual([route, { bytes: 200_000 }]);
    }
  });

  it('a trusted endpoint streams what it writes (server-sent events): the first event arrives before the handler ends', async () => {
    const res = await fetch(`${t.url}/raw-body/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    // With a buffered response this read would wait for the end, which only /release allows.
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    await fetch(`${t.url}/raw-body/release`, { method: 'POST' });
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value);
    expect(rest).toBe('data: second\n\n');
  });

  it('folders: a tree that files are uploaded into and moved between; deleting one moves its contents up', async () => {
    const folder = async (name: string, parent: string | null = null) =>
      (await t.api('POST', '/folders', { name, parent })).body.data.id as string;
    const photos = await folder('Photos');
    const trips = await folder('Trips', photos);
    const lisbon = await folder('Lisbon', trips);
    const pic = (await upload('tram.jpg', 'image/jpeg', 'jpg', { folder: lisbon })).body.data;
    expect(pic.folder).toBe(lisbon);
    expect(
      (await upload('x.jpg', 'image/jpeg', 'x', { folder: '00000000-0000-4000-8000-000000000000' })).body.errors[0]
        .extensions.code,
    ).toBe('INVALID_PAYLOAD');
    expect((await upload('x.jpg', 'image/jpeg', 'x', { folder: "' or 1=1 --" })).body.errors[0].extensions.code).toBe(
      'INVALID_PAYLOAD',
    );
    // Filter files by folder, and folders by parent, like any relation.
    expect((await t.api('GET', `/files?filter[folder][name][_eq]=Lisbon&fields=filename_download`)).body.data).toEqual([
      { filename_download: 'tram.jpg' },
    ]);
    expect((await t.api('GET', `/folders?filter[parent][_eq]=${photos}&fields=name`)).body.data).toEqual([
      { name: 'Trips' },
    ]);
    // No folder inside itself or its own subfolder.
    for (const parent of [photos, lisbon]) {
      expect((await t.api('PATCH', `/folders/${photos}`, { parent })).body.errors[0].extensions.code).toBe(
        'INVALID_PAYLOAD',
      );
    }
    expect((await t.api('GET', `/folders/${photos}?fields=parent`)).body.data.parent).toBeNull();
    // Deleting Trips and Lisbon together: the file and what else was inside go up to Photos.
    const other = await folder('Other', lisbon);
    expect((await t.api('DELETE', '/folders', [trips, lisbon])).status).toBe(204);
    expect((await t.api('GET', `/files/${pic.id}?fields=folder`)).body.data.folder).toBe(photos);
    expect((await t.api('GET', `/folders/${other}?fields=parent`)).body.data.parent).toBe(photos);
    // A top folder's contents go to the root.
    expect((await t.api('DELETE', `/folders/${photos}`)).status).toBe(204);
    expect((await t.api('GET', `/files/${pic.id}?fields=folder`)).body.data.folder).toBeNull();
    expect((await t.api('GET', `/folders/${other}?fields=parent`)).body.data.parent).toBeNull();
    // Folders are a system collection: other roles need a permission.
    expect((await t.api('GET', '/folders', undefined, viewer.token)).status).toBe(403);
    expect((await t.api('POST', '/folders', { name: 'x' }, viewer.token)).status).toBe(403);
  });

  it('transforms images on /assets (width, height, fit, quality, format), refuses bad parameters and image bombs', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } })
      .png()
      .toBuffer();
    const asset = (id: string, query: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/assets/${id}?access_token=${t.token}&${query}`, { headers });
    const meta = async (res: Response) => sharp(Buffer.from(await res.arrayBuffer())).metadata();
    const id = (await upload('red.png', 'image/png', png)).body.data.id;
    const half = await asset(id, 'width=20');
    expect([half.status, half.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(await meta(half)).toMatchObject({ format: 'png', width: 20, height: 15 });
    expect(await meta(await asset(id, 'width=10&height=10&fit=contain&format=webp&quality=50'))).toMatchObject({
      format: 'webp',
      width: 10,
      height: 10,
    });
    expect(await meta(await asset(id, 'width=80&withoutEnlargement=true'))).toMatchObject({ width: 40, height: 30 });
    const auto = await asset(id, 'width=8&format=auto', { accept: 'image/avif,image/webp,*/*' });
    expect([auto.headers.get('content-type'), auto.headers.get('vary')]).toEqual([
      'image/avif',
      expect.stringContaining('Accept'),
    ]);
    expect((await asset(id, 'width=8&format=auto', { accept: 'image/webp' })).headers.get('content-type')).toBe(
      'image/webp',
    );
    expect(Buffer.from(await (await asset(id, 'download')).arrayBuffer())).toEqual(png);
    for (const q of [
      'width=0',
      'width=-5',
      'width=1.5',
      'width=abc',
      'width=6001',
      'width=5&fit=sideways',
      'format=gif',
      'quality=101',
      'fit=cover',
      'key=thumb',
      'key=system-small-cover&width=5',
      'transforms=[["composite",[]]]',
      'transforms=[["extend",{"left":4000,"right":4000}]]',
      'focal_point_x=5',
      'width=5&width=6',
    ]) {
      const res = await asset(id, q);
      expect([q, res.status, (await res.json()).errors[0].extensions.code]).toEqual([q, 400, 'INVALID_QUERY']);
    }
    // Not an image type it transforms: served as it is (as Directus does).
    const text = (await upload('a.txt', 'text/plain', 'hello')).body.data.id;
    expect(await (await asset(text, 'width=10&download')).text()).toBe('hello');
    // An image bomb: a small PNG whose header declares 50000 × 50000 pixels is refused from the header.
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(50_000, 16);
    bomb.writeUInt32BE(50_000, 20);
    bomb.writeUInt32BE(zlib.crc32(bomb.subarray(12, 29)), 29);
    const bombId = (await upload('bomb.png', 'image/png', bomb)).body.data.id;
    const refused = await asset(bombId, 'width=10');
    expect([refused.status, (await refused.json()).errors[0].extensions.code]).toEqual([400, 'INVALID_QUERY']);
    // Another format under an image type (here SVG, which would go to a different decoder): not decoded.
    const svg = (
      await upload(
        'vector.png',
        'image/png',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
      )
    ).body.data.id;
    const svgRes = await asset(svg, 'width=5');
    expect([svgRes.status, (await svgRes.json()).errors[0].message]).toEqual([
      400,
      expect.stringContaining('found svg'),
    ]);
    // Not an image at all, though typed as one: a 400, not a 500.
    const fake = (await upload('fake.png', 'image/png', 'not an image')).body.data.id;
    expect((await asset(fake, 'width=10')).status).toBe(400);
    expect(await meta(await asset(id, 'height=6'))).toMatchObject({ width: 8, height: 6 });
  });

  it("takes Directus's presets by key (the system's and the project's), raw sharp operations, and the project's policy", async () => {
    const png = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const id = (await upload('green.png', 'image/png', png)).body.data.id;
    const asset = (query: string) => fetch(`${t.url}/assets/${id}?access_token=${t.token}&${query}`);
    const meta = async (res: Response) => sharp(Buffer.from(await res.arrayBuffer())).metadata();
    const refusal = async (res: Response) => [
      res.status,
      (await res.json()).errors[0].message.replace('Invalid query. ', ''),
    ];
    // The app's own thumbnails (Directus's system presets): 64 × 64, cropped.
    expect(await meta(await asset('key=system-small-cover'))).toMatchObject({ width: 64, height: 64 });
    expect(await meta(await asset('key=system-medium-contain'))).toMatchObject({ width: 300, height: 150 });
    // A project preset, kept in the settings.
    const saved = await t.api('PATCH', '/settings', {
      storage_asset_presets: [{ key: 'card', width: 40, height: 40, fit: 'contain', format: 'webp', quality: 60 }],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // A preset's image is made once and kept (signed, in the cache folder); other transformations are not kept.
    const cache = t.host.kernel.assetCache!;
    const kept = vi.spyOn(cache, 'set');
    const found = vi.spyOn(cache, 'get');
    const card = await asset('key=card');
    expect(card.headers.get('content-type')).toBe('image/webp');
    const first = Buffer.from(await card.arrayBuffer());
    expect(await sharp(first).metadata()).toMatchObject({ format: 'webp', width: 40, height: 40 });
    const again = await asset('key=card');
    expect([again.headers.get('content-type'), Buffer.from(await again.arrayBuffer())]).toEqual(['image/webp', first]);
    expect(kept).toHaveBeenCalledTimes(1);
    expect(await found.mock.results.at(-1)!.value).toEqual({ type: 'image/webp', body: first });
    await asset('width=21');
    expect(kept).toHaveBeenCalledTimes(1);
    // Raw operations: the last output format wins, and the type says so.
    const raw = await asset(
      `transforms=${encodeURIComponent('[["resize",{"width":20}],["greyscale"],["jpeg",{"quality":50}]]')}`,
    );
    expect(raw.headers.get('content-type')).toBe('image/jpeg');
    const grey = sharp(Buffer.from(await raw.arrayBuffer()));
    expect(await grey.metadata()).toMatchObject({ format: 'jpeg', width: 20, height: 10 });
    const { channels } = await grey.stats();
    expect(Math.abs(channels[0]!.mean - channels[1]!.mean)).toBeLessThan(2); // grey: red as green
    // Presets only: a preset (the project's or the system's) is served, anything else refused.
    await t.api('PATCH', '/settings', { storage_asset_transform: 'presets' });
    expect(await meta(await asset('key=card'))).toMatchObject({ width: 40 });
    expect(await refusal(await asset('width=20'))).toEqual([
      400,
      'Only configured presets can be used in asset generation.',
    ]);
    // None: the system presets alone.
    await t.api('PATCH', '/settings', { storage_asset_transform: 'none' });
    expect(await meta(await asset('key=system-small-contain'))).toMatchObject({ width: 64 });
    expect(await refusal(await asset('key=card'))).toEqual([
      400,
      'Dynamic asset generation has been disabled for this project.',
    ]);
    expect(Buffer.from(await (await asset('download')).arrayBuffer())).toEqual(png);
    await t.api('PATCH', '/settings', { storage_asset_transform: 'all', storage_asset_presets: null });
    expect(await refusal(await asset('key=card'))).toEqual([400, 'Key "card" isn\'t configured.']);
    // Deleting the file removes the images made from it.
    const purged = vi.spyOn(cache, 'purge');
    const disk = (await t.api('GET', `/files/${id}`)).body.data.filename_disk;
    expect((await t.api('DELETE', `/files/${id}`)).status).toBe(204);
    expect(purged).toHaveBeenCalledWith(disk);
    vi.restoreAllMocks();
  });

  it('imports a file from a URL (POST /files/import), with the upload limits, refusing private addresses unless allowed', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/big')
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(64 * 1024 + 1));
      if (req.url === '/gone') return res.writeHead(404).end('no');
      if (req.url === '/stream') {
        // Half the body, then wait until it shows on the importing host's disk: the import streams.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(20_000, 1));
        const until = Date.now() + 3000;
        const poll = setInterval(() => {
          sawPart ||= partFiles().length > 0;
          if (!sawPart && Date.now() < until) return;
          clearInterval(poll);
          res.end(Buffer.alloc(20_000, 2));
        }, 10);
        return;
      }
      if (req.url === '/chunked-big') {
        res.writeHead(200);
        for (let i = 0; i < 20; i++) res.write(Buffer.alloc(4096));
        return res.end();
      }
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '10000' });
        res.write(Buffer.alloc(5000));
        return setTimeout(() => res.destroy(), 50);
      }
      if (req.url === '/hop') return res.writeHead(302, { location: '/photos/caf%C3%A9.png' }).end();
      res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 9]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The test host runs with the default: its own network is out of reach.
    const denied = await t.api('POST', '/files/import', { url: `${origin}/x.png` });
    expect(denied.body.errors[0]).toMatchObject({
      extensions: { code: 'INVALID_PAYLOAD' },
      message: expect.stringContaining('private-address'),
    });
    const open = await startHost({
      env: { FILES_IMPORT_ALLOW_PRIVATE: 'true', FILES_MAX_UPLOAD_SIZE: String(64 * 1024) },
    });
    let sawPart = false;
    const partFiles = () =>
      fs.existsSync(open.host.config.files.root)
        ? fs.readdirSync(open.host.config.files.root).filter((f) => f.endsWith('.part'))
        : [];
    try {
      const streamed = await open.api('POST', '/files/import', { url: `${origin}/stream` });
      expect({ status: streamed.status, filesize: streamed.body.data?.filesize, sawPart }).toEqual({
        status: 200,
        filesize: 40_000,
        sawPart: true,
      });
      // Too large without a declared length, or cut off midway: refused, and no partial file is left.
      expect(
        (await open.api('POST', '/files/import', { url: `${origin}/chunked-big` })).body.errors[0].extensions.code,
      ).toBe('HOST_FILE_TOO_LARGE');
      const cut = await open.api('POST', '/files/import', { url: `${origin}/cut` });
      expect(cut.body.errors[0]).toMatchObject({
        extensions: { code: 'INVALID_PAYLOAD' },
        message: expect.stringContaining('connection reset'),
      });
      expect(partFiles()).toEqual([]);
      await open.api('DELETE', `/files/${streamed.body.data.id}`);
      const folder = (await open.api('POST', '/folders', { name: 'Imports' })).body.data.id;
      const res = await open.api('POST', '/files/import', { url: `${origin}/hop`, data: { title: 'Cafe', folder } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({
        filename_download: 'café.png',
        type: 'image/png',
        filesize: 5,
        title: 'Cafe',
        folder,
      });
      const bytes = Buffer.from(
        await (await fetch(`${open.url}/assets/${res.body.data.id}?access_token=${open.token}`)).arrayBuffer(),
      );
      expect([...bytes]).toEqual([0x89, 0x50, 0x4e, 0x47, 9]);
      expect((await open.api('POST', '/files/import', { url: `${origin}/big` })).body.errors[0].extensions.code).toBe(
        'HOST_FILE_TOO_LARGE',
      );
      expect((await open.api('POST', '/files/import', { url: `${origin}/gone` })).body.errors[0].message).toContain(
        'answered 404',
      );
      expect(
        (await open.api('POST', '/files/import', { url: 'file:///etc/passwd' })).body.errors[0].extensions.code,
      ).toBe('INVALID_PAYLOAD');
      expect((await open.api('POST', '/files/import', { url: 42 })).body.errors[0].extensions.code).toBe(
        'INVALID_PAYLOAD',
      );
      // No create permission, no fetch: the server is not asked at all.
      let asked = 0;
      server.on('request', () => asked++);
      const nobody = await createUser(open, 'importer', []);
      expect((await open.api('POST', '/files/import', { url: `${origin}/x.png` }, nobody.token)).status).toBe(403);
      expect((await open.api('POST', '/files/import', { url: `${origin}/x.png` }, null)).status).toBe(403);
      // Nor for a folder that does not exist.
      expect(
        (
          await open.api('POST', '/files/import', {
            url: `${origin}/x.png`,
            data: { folder: '00000000-0000-4000-8000-000000000000' },
          })
        ).body.errors[0].extensions.code,
      ).toBe('INVALID_PAYLOAD');
      expect(asked).toBe(0);
      expect((await open.api('GET', '/files?aggregate[count]=*')).body.data[0].count).toBe(1);
    } finally {
      await open.close();
      server.close();
    }
  });

  it("reads with Directus's session cookie (an extension's bare <img src=/assets/…>), never writes with it", async () => {
    const file = (await upload('cookie.txt', 'text/plain', 'by cookie')).body.data.id;
    const cookie = { cookie: `directus_session_token=${t.token}` };
    const read = await fetch(`${t.url}/assets/${file}`, { headers: cookie });
    expect([read.status, await read.text()]).toEqual([200, 'by cookie']);
    expect(
      (await fetch(`${t.url}/assets/${file}`, { headers: { cookie: 'directus_session_token=forged' } })).status,
    ).toBe(401);
    // A write with only the cookie acts as no one (the public role may not write files).
    const patch = await fetch(`${t.url}/files/${file}`, {
      method: 'PATCH',
      headers: { ...cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'changed' }),
    });
    expect(patch.status).toBe(403);
    const del = await fetch(`${t.url}/files/${file}`, { method: 'DELETE', headers: cookie });
    expect(del.status).toBe(403);
    expect((await t.api('GET', `/files/${file}`)).body.data.title).not.toBe('changed');
  });

  it('applies permissions to uploads and assets, and deleting a file deletes its bytes', async () => {
    const mine = await upload('note.txt', 'text/plain', 'private');
    expect((await upload('x.txt', 'text/plain', 'nope', {}, viewer.token)).status).toBe(403);
    expect((await upload('x.txt', 'text/plain', 'nope', {}, null)).status).toBe(403);
    expect((await fetch(`${t.url}/assets/${mine.body.data.id}?access_token=${viewer.token}`)).status).toBe(403);
    expect((await fetch(`${t.url}/assets/${mine.body.data.id}`)).status).toBe(403);
    expect((await fetch(`${t.url}/assets/..%2F..%2Fannex.db?access_token=${t.token}`)).status).toBe(403);
    const disk = path.join(uploads, mine.body.data.filename_disk);
    expect(fs.existsSync(disk)).toBe(true);
    expect((await t.api('DELETE', `/files/${mine.body.data.id}`)).status).toBe(204);
    expect(fs.existsSync(disk)).toBe(false);
    expect((await fetch(`${t.url}/assets/${mine.body.data.id}?access_token=${t.token}`)).status).toBe(403);
  });
});
