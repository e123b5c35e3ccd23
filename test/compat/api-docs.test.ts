import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus, installedCorpusPackage } from '../helpers/compat.js';
import { createCollection, startHost, type TestHost } from '../helpers/host.js';

/*
 * directus-extension-api-docs requires swagger-ui-express and express-openapi-validator, which
 * require "express" — a peer they expect the Directus install to provide. Only the extension's
 * own production dependencies are installed: express must resolve to the host's.
 */
const corpus = ensureCorpus();
const installed = corpus.ok
  ? installedCorpusPackage('directus-extension-api-docs')
  : { ok: false as const, reason: corpus.reason ?? '' };
if (!installed.ok) console.warn(`[compat] skipped: ${installed.reason}`);

describe.skipIf(!installed.ok)('directus-extension-api-docs with only its own production dependencies', () => {
  let t: TestHost;
  beforeAll(async () => {
    const dir = (installed as { dir: string }).dir;
    // The point of the test: the extension does not bring Express itself.
    expect(fs.existsSync(path.join(dir, 'node_modules', 'express'))).toBe(false);
    t = await startHost({ extensions: [dir] });
    await createCollection(t, 'articles', { title: 'string', views: 'integer' });
  });
  afterAll(() => t?.close());

  it('is active', async () => {
    const row = (await t.api('GET', '/extensions')).body.data.find(
      (e: any) => e.annex?.name === 'directus-extension-api-docs',
    );
    expect(row?.annex.state, JSON.stringify(row?.annex.last_error)).toBe('active');
  });

  it('GET /api-docs/oas answers the OpenAPI document built with services.SpecificationService', async () => {
    const res = await fetch(`${t.url}/api-docs/oas`, { headers: { Authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/items/articles', '/items/articles/{id}']));
    expect(doc.paths['/items/articles'].get.operationId).toBe('readItemsArticles');
    expect(doc.components.schemas.ItemsArticles.properties.views.type).toBe('integer');
  });

  it('GET /api-docs answers Swagger UI pointing at /api-docs/oas', async () => {
    const res = await fetch(`${t.url}/api-docs/`, { headers: { Authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('swagger-ui');
    const init = await fetch(`${t.url}/api-docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toContain('/api-docs/oas');
  });
});
