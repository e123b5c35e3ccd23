import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import { skipWithout } from '../helpers/requires.js';
import { startHost, type TestHost } from '../helpers/host.js';
import { eventually } from '../e2e/browser.js';

const corpus = ensureCorpus('wider');

async function upload(t: TestHost, name: string, body: Buffer, type: string) {
  const form = new FormData();
  form.append('file', new Blob([body], { type }), name);
  const res = await fetch(`${t.url}/files`, {
    method: 'POST',
    body: form,
    headers: { Authorization: `Bearer ${t.token}` },
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Two published hooks that work with files the way Directus's own do (test/compat/wider-corpus.json):
 * at boot each adds a field to directus_files with FieldsService; on `files.upload` each reads the
 * image through AssetsService as a 320 px WebP, hashes it with sharp, and writes the hash with
 * FilesService. Loaded unchanged, from their npm tarballs.
 */
describe.skipIf(skipWithout('the npm registry (wider compat corpus)', corpus.reason))(
  'published Directus file hooks (blurhash, thumbhash) load unchanged',
  () => {
    let t: TestHost;
    beforeAll(async () => {
      const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compat-wider-'));
      const dirs = ['directus-extension-blurhash', 'directus-extension-thumbhash'].map((n) =>
        extractCorpusPackage(n, stage),
      );
      t = await startHost({ extensions: dirs });
    });
    afterAll(() => t?.close());

    it('each adds its own field to the system collection directus_files at boot', async () => {
      const fields = (await t.api('GET', '/fields/directus_files')).body.data.map((f: { field: string }) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['blurhash', 'thumbhash', 'width', 'height']));
    });

    it('an uploaded image gets its dimensions, a BlurHash and a ThumbHash', async () => {
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 20, b: 20 } } })
        .png()
        .toBuffer();
      const created = await upload(t, 'red.png', png, 'image/png');
      expect(created.status).toBe(200);
      expect(created.body.data).toMatchObject({ width: 64, height: 48 });
      const id = created.body.data.id;
      await eventually(async () => (await t.api('GET', `/files/${id}`)).body.data.blurhash, {
        timeout: 20_000,
      }).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/);
      expect((await t.api('GET', `/files/${id}`)).body.data.thumbhash).toMatch(/^[A-Za-z0-9+/=]{10,}$/);
    });

    it('a file that is not an image gets neither, and nothing fails', async () => {
      const created = await upload(t, 'notes.txt', Buffer.from('plain text'), 'text/plain');
      expect(created.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      const row = (await t.api('GET', `/files/${created.body.data.id}`)).body.data;
      expect(row).toMatchObject({ width: null, height: null, blurhash: null, thumbhash: null });
    });
  },
);
