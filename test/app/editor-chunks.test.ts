import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, createUser, startHost, type TestHost } from '../helpers/host.js';
import { buildChunk } from '../../host/src/app-sources/bundler.js';

const gz = (code: string) => gzipSync(code).length;

describe('the editors load on demand', () => {
  it("the modules bundle's entry holds only the module configs; each page (data model, flows, dashboard…) is its own file", async () => {
    const built = await buildChunk(
      { extension: '@annex/builtin-app-modules', file: path.join(ROOT, 'host/builtins/app-modules/src/index.js') },
      { minify: true },
    );
    expect(built.error).toBeNull();
    expect(built.lazy.length).toBeGreaterThan(5);
    const lazyCode = built.lazy.map((f: { code: string }) => f.code).join('\n');
    // Editor code (the field editor's save button, the flow canvas, the grid drag) is not in the entry.
    for (const marker of ['save-field', 'flow-canvas', 'panel-resize']) {
      expect(built.code, marker).not.toContain(marker);
      expect(lazyCode, marker).toContain(marker);
    }
    // Every lazy file is imported by a relative path from the bundle's own files, named by its hash.
    for (const f of built.lazy) {
      expect(f.name).toMatch(/^annex-builtin-app-modules\.lazy\.[0-9a-f]{10}\.js$/);
      expect([built.code, lazyCode].join('\n')).toContain(`./${f.name}`);
    }
    expect(gz(built.code) * 10).toBeLessThan(gz(lazyCode));
  });

  describe('served beside their entry, to whoever may use the extension', () => {
    let t: TestHost;
    let guest: { token: string };
    let editor: { token: string; roleId: string };
    beforeAll(async () => {
      t = await startHost();
      const dir = path.join(t.extensionsPath, 'annex-e2e-lazy-module');
      fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({
          name: 'annex-e2e-lazy-module',
          version: '1.0.0',
          type: 'module',
          'directus:extension': { type: 'module', path: 'src/index.js', source: 'src/index.js', host: '^10.10.0' },
        }),
      );
      fs.writeFileSync(
        path.join(dir, 'src', 'page.js'),
        'export default { name: "LazyPage", render: () => "lazy page secret-marker" };\n',
      );
      fs.writeFileSync(
        path.join(dir, 'src', 'index.js'),
        'import { defineModule } from "@directus/extensions-sdk";\nexport default defineModule({ id: "lazy-mod", name: "Lazy", icon: "box", routes: [{ path: "", component: () => import("./page.js") }] });\n',
      );
      await t.host.kernel.extensions.rescan();
      guest = await createUser(t, 'guest', []);
      editor = await createUser(t, 'editor', []);
    }, 60_000);
    afterAll(() => t?.close());

    const chunkOf = async (name: string, token?: string | null) =>
      (await t.api('GET', '/extensions/sources/manifest.json', undefined, token)).body.data.chunks.find(
        (c: any) => c.extension === name,
      );

    it('lists the lazy files in the manifest and serves them as JavaScript', async () => {
      const modules = await chunkOf('@annex/builtin-app-modules');
      expect(modules.lazy.length).toBeGreaterThan(5);
      const chunk = await chunkOf('annex-e2e-lazy-module');
      expect(chunk.error).toBeNull();
      expect(chunk.lazy).toHaveLength(1);
      const res = await fetch(`${t.url}/extensions/sources/${chunk.lazy[0]}`, {
        headers: { Authorization: `Bearer ${guest.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(await res.text()).toContain('secret-marker');
    });

    it('does not serve a lazy file of an extension limited to other roles', async () => {
      const chunk = await chunkOf('annex-e2e-lazy-module');
      const res = await t.api('PATCH', '/extensions/annex-e2e-lazy-module', { meta: { roles: [editor.roleId] } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const denied = await t.api('GET', `/extensions/sources/${chunk.lazy[0]}`, undefined, guest.token);
      expect(denied.status).toBe(404);
      expect(denied.body.errors[0].extensions.code).toBe('ROUTE_NOT_FOUND');
      expect((await t.api('GET', `/extensions/sources/${chunk.lazy[0]}`, undefined, editor.token)).status).toBe(200);
    });
  });
});
