import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssetCache } from '../asset-cache.js';

describe("the cache of presets' images", () => {
  const made = { type: 'image/webp', body: Buffer.from('RIFF-image-bytes') };

  it('gives back what was kept for the same file and parts, nothing for others', async () => {
    const cache = createAssetCache(fs.mkdtempSync(path.join(os.tmpdir(), 'annex-asset-cache-')), 'secret');
    await cache.set('a.png', [10, 'card', 'webp'], made);
    expect(await cache.get('a.png', [10, 'card', 'webp'])).toEqual(made);
    expect(await cache.get('a.png', [11, 'card', 'webp'])).toBeUndefined();
    expect(await cache.get('b.png', [10, 'card', 'webp'])).toBeUndefined();
  });

  it('makes again an entry changed on disk or signed with another SECRET', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-asset-cache-'));
    const cache = createAssetCache(dir, 'secret');
    await cache.set('a.png', ['card'], made);
    const [folder] = fs.readdirSync(dir);
    const [entry] = fs.readdirSync(path.join(dir, folder!));
    const file = path.join(dir, folder!, entry!);
    const bytes = fs.readFileSync(file);
    expect(await createAssetCache(dir, 'another').get('a.png', ['card'])).toBeUndefined();
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, -5), Buffer.from('<svg>')]));
    expect(await cache.get('a.png', ['card'])).toBeUndefined();
    // The type is signed too: an entry claiming text/html is not served.
    fs.writeFileSync(file, bytes.toString('latin1').replace('image/webp', 'text/html'), 'latin1');
    expect(await cache.get('a.png', ['card'])).toBeUndefined();
  });

  it("removes a file's images with it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-asset-cache-'));
    const cache = createAssetCache(dir, 'secret');
    await cache.set('a.png', ['card'], made);
    await cache.set('a.png', ['thumb'], made);
    await cache.set('b.png', ['card'], made);
    await cache.purge('a.png');
    expect(await cache.get('a.png', ['card'])).toBeUndefined();
    expect(await cache.get('a.png', ['thumb'])).toBeUndefined();
    expect(await cache.get('b.png', ['card'])).toEqual(made);
    expect(fs.readdirSync(dir)).toHaveLength(1);
  });
});
