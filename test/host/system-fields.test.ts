import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, startHost, type TestHost } from '../helpers/host.js';
import { writeEndpoint } from '../helpers/write-extension.js';

const code = (res: { body: any }) => res.body.errors?.[0]?.extensions?.code;

/**
 * A project's own fields on system collections (users, files, roles, folders), as Directus allows;
 * the host's own fields of those collections, and the other system collections, stay as they are.
 * And Directus's AssetsService: a file's bytes, transformed as /assets would, under the caller's
 * permissions.
 */
describe('fields on system collections, and AssetsService', () => {
  let t: TestHost;
  let viewer: { token: string };

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-assets-'));
    writeEndpoint(root, 'asset-probe', '', {
      raw: `export default (router, { services }) => {
  router.get('/:id', async (req, res, next) => {
    try {
      const params = req.query.key
        ? { transformationParams: { key: req.query.key } }
        : req.query.blur
          ? { transformationParams: { transforms: [['blur', Number(req.query.blur)], ['png']] } }
          : req.query.width
            ? { transformationParams: { width: Number(req.query.width), format: req.query.format } }
            : undefined;
      const { stream, file, stat } = await new services.AssetsService({ accountability: req.accountability }).getAsset(req.params.id, params);
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      const body = Buffer.concat(chunks);
      res.json({ type: file.type, size: stat.size, bytes: body.length, head: body.subarray(0, 4).toString('hex') });
    } catch (e) {
      next(e);
    }
  });
};
`,
    });
    t = await startHost({ extensions: [path.join(root, 'asset-probe')] });
    viewer = await createUser(t, 'viewer', []);
  });
  afterAll(() => t?.close());

  it('adds, edits and removes a field of directus_users; users read and write it', async () => {
    const created = await t.api('POST', '/fields/directus_users', {
      field: 'phone',
      type: 'string',
      meta: { interface: 'input', note: 'Work phone' },
    });
    expect(created.status).toBe(200);
    const me = (await t.api('GET', '/users/me')).body.data.id;
    expect((await t.api('GET', `/users/${me}`)).body.data).toHaveProperty('phone', null);
    expect((await t.api('PATCH', `/users/${me}`, { phone: '+49 30 1234' })).status).toBe(200);
    expect((await t.api('GET', `/users/${me}`)).body.data.phone).toBe('+49 30 1234');
    expect(
      (await t.api('GET', `/users?filter[phone][_eq]=${encodeURIComponent('+49 30 1234')}`)).body.data,
    ).toHaveLength(1);
    expect((await t.api('PATCH', '/fields/directus_users/phone', { meta: { note: 'Mobile' } })).status).toBe(200);
    expect((await t.api('GET', '/fields/directus_users/phone')).body.data.meta.note).toBe('Mobile');
    expect((await t.api('DELETE', '/fields/directus_users/phone')).status).toBeLessThan(300);
    expect((await t.api('GET', `/users/${me}`)).body.data).not.toHaveProperty('phone');
  });

  it("refuses to change the host's own fields, to reuse their names, and to extend other system collections", async () => {
    expect(code(await t.api('PATCH', '/fields/directus_users/email', { meta: { hidden: true } }))).toBe('FORBIDDEN');
    expect(code(await t.api('DELETE', '/fields/directus_users/password'))).toBe('FORBIDDEN');
    expect(code(await t.api('POST', '/fields/directus_users', { field: 'email', type: 'string' }))).toBe(
      'INVALID_PAYLOAD',
    );
    expect(code(await t.api('POST', '/fields/directus_activity', { field: 'extra', type: 'string' }))).toBe(
      'FORBIDDEN',
    );
    expect(code(await t.api('POST', '/fields/directus_users', { field: 'x', type: 'string' }, viewer.token))).toBe(
      'FORBIDDEN',
    );
    // The users table still has its login working: the admin's token is accepted.
    expect((await t.api('GET', '/users/me')).status).toBe(200);
  });

  it("takes an extension's own fields on the settings, flows and comments, as Directus does", async () => {
    const made = await t.api('POST', '/fields/directus_settings', {
      field: 'command_palette_settings',
      type: 'json',
      meta: { hidden: true, special: ['cast-json'] },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect((await t.api('PATCH', '/settings', { command_palette_settings: { hotkey: 'k' } })).status).toBe(200);
    expect(
      (await t.api('GET', '/settings?fields=command_palette_settings,project_color,module_bar')).body.data,
    ).toEqual({
      command_palette_settings: { hotkey: 'k' },
      project_color: '#6644FF',
      module_bar: null,
    });
    expect((await t.api('POST', '/fields/directus_flows', { field: 'run_counter', type: 'integer' })).status).toBe(200);
    const flow = await t.api('POST', '/flows', { name: 'Counted', trigger: 'manual', run_counter: 2 });
    expect((await t.api('GET', `/flows/${flow.body.data.id}?fields=run_counter`)).body.data).toEqual({
      run_counter: 2,
    });
    expect((await t.api('POST', '/fields/directus_comments', { field: 'field', type: 'string' })).status).toBe(200);
  });

  it('lets a many-to-one point at files and users, not at other system collections, and adds no list to them', async () => {
    await t.api('POST', '/collections', { collection: 'posts', fields: [{ field: 'title', type: 'string' }] });
    await t.api('POST', '/fields/posts', {
      field: 'cover',
      type: 'uuid',
      meta: { special: ['file'], interface: 'file' },
    });
    expect(
      (await t.api('POST', '/relations', { collection: 'posts', field: 'cover', related_collection: 'directus_files' }))
        .status,
    ).toBe(200);
    await t.api('POST', '/fields/posts', { field: 'owner', type: 'uuid', meta: { special: ['m2o'] } });
    const withList = await t.api('POST', '/relations', {
      collection: 'posts',
      field: 'owner',
      related_collection: 'directus_users',
      meta: { one_field: 'posts' },
    });
    expect(code(withList)).toBe('INVALID_PAYLOAD');
    expect(
      (await t.api('POST', '/relations', { collection: 'posts', field: 'owner', related_collection: 'directus_users' }))
        .status,
    ).toBe(200);
    await t.api('POST', '/fields/posts', { field: 'act', type: 'integer', meta: { special: ['m2o'] } });
    expect(
      code(
        await t.api('POST', '/relations', {
          collection: 'posts',
          field: 'act',
          related_collection: 'directus_activity',
        }),
      ),
    ).toBe('INVALID_PAYLOAD');
    const me = (await t.api('GET', '/users/me')).body.data.id;
    const post = await t.api('POST', '/items/posts', { title: 'p', owner: me });
    expect((await t.api('GET', `/items/posts/${post.body.data.id}?fields=owner.email`)).body.data.owner.email).toBe(
      (await t.api('GET', '/users/me')).body.data.email,
    );
  });

  it("gives a file's bytes and its transformation through AssetsService, under the caller's permissions", async () => {
    const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 0, g: 90, b: 200 } } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'blue.png');
    const uploaded = await fetch(`${t.url}/files`, {
      method: 'POST',
      body: form,
      headers: { Authorization: `Bearer ${t.token}` },
    }).then((r) => r.json());
    const id = uploaded.data.id;
    expect(uploaded.data).toMatchObject({ width: 80, height: 60 });

    const plain = await t.api('GET', `/asset-probe/${id}`);
    expect(plain.body).toEqual({ type: 'image/png', size: png.length, bytes: png.length, head: '89504e47' });
    const webp = await t.api('GET', `/asset-probe/${id}?width=20&format=webp`);
    expect(webp.body.type).toBe('image/webp');
    expect(webp.body.bytes).toBe(webp.body.size);
    expect(webp.body.head).toBe('52494646'); // RIFF
    // A preset by key (Directus's system thumbnail: WebP or AVIF for `auto` only when asked; PNG here),
    // and raw sharp operations as an array.
    const thumb = await t.api('GET', `/asset-probe/${id}?key=system-small-cover`);
    expect([thumb.body.type, thumb.body.head]).toEqual(['image/png', '89504e47']);
    expect(thumb.body.bytes).toBeLessThan(png.length);
    expect((await t.api('GET', `/asset-probe/${id}?blur=3`)).body.type).toBe('image/png');
    expect(code(await t.api('GET', `/asset-probe/${id}?key=nope`))).toBe('INVALID_QUERY');
    // A bad transformation is refused as /assets refuses it; a caller who may not read the file gets nothing.
    expect(code(await t.api('GET', `/asset-probe/${id}?width=0`))).toBe('INVALID_QUERY');
    expect(code(await t.api('GET', `/asset-probe/${id}`, undefined, viewer.token))).toBe('FORBIDDEN');
  });

  it("records an image's dimensions from the bytes on their way to storage, reading back only a WebP or TIFF", async () => {
    // Noise, so the files are large: the header is not the whole file.
    const noise = sharp(
      Buffer.alloc(640 * 480 * 3).map(() => Math.floor(Math.random() * 256)),
      {
        raw: { width: 640, height: 480, channels: 3 },
      },
    );
    const reads = vi.spyOn(t.host.kernel.storage, 'read');
    try {
      for (const [format, type, readBack] of [
        ['jpeg', 'image/jpeg', 0],
        ['png', 'image/png', 0],
        ['avif', 'image/avif', 0],
        ['webp', 'image/webp', 1],
        ['tiff', 'image/tiff', 1],
      ] as const) {
        const bytes = await noise.clone().toFormat(format).toBuffer();
        expect(bytes.length, format).toBeGreaterThan(128 * 1024);
        reads.mockClear();
        const form = new FormData();
        form.append('file', new Blob([bytes], { type }), `noise.${format}`);
        const uploaded = await fetch(`${t.url}/files`, {
          method: 'POST',
          body: form,
          headers: { Authorization: `Bearer ${t.token}` },
        }).then((r) => r.json());
        expect(uploaded.data, format).toMatchObject({ width: 640, height: 480, filesize: bytes.length });
        expect(reads.mock.calls.length, format).toBe(readBack);
      }
    } finally {
      reads.mockRestore();
    }
  });
});
