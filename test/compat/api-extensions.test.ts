import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus, extractCorpusPackage } from '../helpers/compat.js';
import { skipWithout } from '../helpers/requires.js';
import { createCollection, createUser, startHost, type TestHost } from '../helpers/host.js';

const corpus = ensureCorpus();

describe.skipIf(skipWithout('the npm registry (compat corpus)', corpus.reason))(
  'public Directus API extensions load unchanged',
  () => {
    let t: TestHost;
    beforeAll(async () => {
      const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-compat-'));
      const dirs = [
        'directus-extension-upsert',
        'directus-extension-sync',
        '@ribertec/directus-extension-cep-autofill',
      ].map((n) => extractCorpusPackage(n, stage));
      t = await startHost({ extensions: dirs });
    });
    afterAll(() => t?.close());

    it('all three are active', async () => {
      const list = (await t.api('GET', '/extensions')).body.data;
      for (const name of [
        'directus-extension-upsert',
        'directus-extension-sync',
        '@ribertec/directus-extension-cep-autofill',
      ]) {
        const row = list.find((e: any) => e.annex?.name === name);
        expect(row?.annex.state, `${name}: ${JSON.stringify(row?.annex.last_error)}`).toBe('active');
      }
    });

    it('directus-extension-upsert: CommonJS {id, handler} endpoint using services.ItemsService', async () => {
      await createCollection(t, 'pages', { slug: 'string', n: 'integer' });
      const created = await t.api('POST', '/upsert/pages', { filter: { slug: 'a' }, body: { slug: 'a', n: 1 } });
      expect(created.body).toEqual({ success: true, msg: 'Create Success', code: 201, data: null });
      const updated = await t.api('POST', '/upsert/pages', { filter: { slug: 'a' }, body: { n: 2 } });
      expect(updated.body).toEqual({ success: true, msg: 'Update Success', code: 200, data: null });
      const rows = (await t.api('GET', '/items/pages')).body.data;
      expect(rows).toEqual([{ id: 1, slug: 'a', n: 2 }]);
      expect((await t.api('POST', '/upsert/pages', {})).body).toEqual({
        success: false,
        msg: 'Missing filter',
        code: 200,
        data: null,
      });
    });

    it('directus-extension-sync: async register with knex, then routes; 200/409/401/403', async () => {
      const first = await t.api('POST', '/directus-extension-sync/table/foo', { local_id: '1' });
      // The extension calls res.json() before res.status(201): with Express (as in Directus) the
      // headers are already out, so the answer is 200.
      expect(first.status).toBe(200);
      expect(first.body.sync_id).toMatch(/^[0-9a-f-]{36}$/);
      const read = await t.api('GET', '/directus-extension-sync/table/foo/local_id/1');
      expect(read.status).toBe(200);
      expect(read.body.sync_id).toBe(first.body.sync_id);
      const again = await t.api('POST', '/directus-extension-sync/table/foo', { local_id: '1' });
      expect(again.status).toBe(409);
      // The extension's own error middleware answers 4xx errors as {message}.
      expect(JSON.stringify(again.body)).toContain('Local id already exists');
      const anonymous = await t.api('GET', '/directus-extension-sync/table/foo/local_id/1', undefined, null);
      expect(anonymous.status).toBe(401);
      expect(JSON.stringify(anonymous.body)).toContain('You must be logged in to access this.');
      const user = await createUser(t, 'syncer', []);
      expect((await t.api('GET', '/directus-extension-sync/table/foo/local_id/1', undefined, user.token)).status).toBe(
        403,
      );
      expect(await t.host.knex.schema.hasTable('directus_sync_id_map')).toBe(true);
    });

    it('@ribertec/directus-extension-cep-autofill: the bundle filter hook validates CEP fields', async () => {
      await createCollection(t, 'addresses', {
        cep: { type: 'string', meta: { interface: 'cep-autofill' } },
        street: 'string',
      });
      const bad = await t.api('POST', '/items/addresses', { cep: '123' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
      expect(bad.body.errors[0].message).toBe('CEP inválido no campo "cep". O CEP deve conter exatamente 8 dígitos.');
      const good = await t.api('POST', '/items/addresses', { cep: '01001-000' });
      expect(good.status).toBe(200);
      expect(good.body.data.cep).toBe('01001-000');
      const badUpdate = await t.api('PATCH', `/items/addresses/${good.body.data.id}`, { cep: '99' });
      expect(badUpdate.body.errors[0].extensions.code).toBe('INVALID_PAYLOAD');
      // Collections without a cep-autofill field are untouched.
      await createCollection(t, 'plain', { cep: 'string' });
      expect((await t.api('POST', '/items/plain', { cep: '1' })).status).toBe(200);
    });
  },
);
