import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pack } from '../node/pack.js';
import { publish } from '../node/publish.js';
import { makeExtension, manifest } from './fixture.js';

function tarEntries(tgz: Buffer): string[] {
  const tar = gunzipSync(tgz);
  const names: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').trim() || '0', 8);
    names.push(prefix ? `${prefix}/${name}` : name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

async function packable(): Promise<string> {
  const dir = await makeExtension(
    manifest({ type: 'hook', path: 'dist/index.js', source: 'src/index.js' }, { files: ['dist'], description: 'd' }),
    {
      'README.md': '# r',
      LICENSE: 'MIT',
      'dist/index.js': 'export default () => {};\n',
      'src/index.js': 'export default () => {};\n',
      'node_modules/x/index.js': '',
    },
  );
  await mkdir(join(dir, 'dist/sub'), { recursive: true });
  await writeFile(join(dir, 'dist/sub/a.js'), '1');
  await symlink('/etc/passwd', join(dir, 'dist/link'));
  return dir;
}

describe('pack', () => {
  it('packs like npm: package/ prefix, files field + package.json/README/LICENSE, no links or node_modules', async () => {
    const result = await pack(await packable());
    expect(result.filename).toBe('test-ext-1.0.0.tgz');
    expect(tarEntries(result.tarball).sort()).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/dist/index.js',
      'package/dist/sub/a.js',
      'package/package.json',
    ]);
    expect(result.integrity).toBe('sha512-' + createHash('sha512').update(result.tarball).digest('base64'));
  });

  it('is reproducible (fixed mtimes)', async () => {
    const dir = await packable();
    expect((await pack(dir)).integrity).toBe((await pack(dir)).integrity);
  });
});

describe('publish', () => {
  it('PUTs an npm publish document with the tarball attached and a bearer token', async () => {
    const dir = await packable();
    let seen: { url?: string; auth?: string; body?: Record<string, any> } = {};
    const server = createServer(async (req: IncomingMessage, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      seen = { url: req.url, auth: req.headers.authorization, body: JSON.parse(text) };
      res
        .writeHead(req.headers.authorization === 'Bearer good' ? 201 : 401, { 'content-type': 'application/json' })
        .end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const result = await publish({ cwd: dir, registry, token: 'good' });
      expect(result.status).toBe(201);
      expect(seen.url).toBe('/test-ext');
      expect(seen.auth).toBe('Bearer good');
      const version = seen.body!.versions['1.0.0'];
      expect(version.dist.integrity).toBe(result.integrity);
      const attachment = seen.body!._attachments['test-ext-1.0.0.tgz'];
      expect(createHash('sha512').update(Buffer.from(attachment.data, 'base64')).digest('base64')).toBe(
        result.integrity.slice(7),
      );
      await expect(publish({ cwd: dir, registry, token: 'bad' })).rejects.toMatchObject({
        code: 'SDK_PUBLISH_UNAUTHORIZED',
      });
    } finally {
      server.close();
    }
  });

  it("reads only the start of a registry's error answer, however long it runs, and clips its message", async () => {
    const dir = await packable();
    let written = 0;
    const server = createServer(async (req, res) => {
      for await (const _ of req) void _;
      res.writeHead(500, { 'content-type': 'text/plain' });
      // An endless answer: it stops only when the client goes away.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await publish({ cwd: dir, registry, token: 'good' }).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(error?.code).toBe('SDK_PUBLISH_FAILED');
      expect(error!.message.length).toBeLessThan(2200);
      expect(error!.message).toContain('500 xxxx');
      expect(error!.message).toContain('(truncated)');
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
