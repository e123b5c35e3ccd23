import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../helpers/host.js';
import { eventually, writeEndpoint, writeHook } from '../helpers/write-extension.js';

/**
 * Actions fire as Directus fires them: once the write committed, with the base database in their
 * context (a hook may query it), and not at all for a batch that failed and was rolled back.
 */
describe('when actions fire', () => {
  let t: TestHost;

  beforeAll(async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-action-timing-'));
    const hook = writeHook(
      root,
      'counting-hook',
      '',
      `export default ({ action }) => {
  globalThis.__actions = [];
  action('notes.items.create', async ({ key }, { database }) => {
    const { n } = await database('notes').count('* as n').first();
    globalThis.__actions.push({ key, inTransaction: Boolean(database.isTransaction), rows: Number(n) });
  });
};
`,
    );
    const probe = writeEndpoint(root, 'actions-probe', '', {
      raw: `export default (router) => { router.get('/', (req, res) => res.json({ data: globalThis.__actions })); };\n`,
    });
    t = await startHost({ extensions: [hook, probe] });
    await t.api('POST', '/collections', {
      collection: 'notes',
      fields: [
        { field: 'text', type: 'string' },
        { field: 'views', type: 'integer' },
      ],
    });
  });
  afterAll(() => t?.close());

  const actions = async () =>
    (await t.api('GET', '/actions-probe')).body.data as { key: number; inTransaction: boolean; rows: number }[];

  it('fires a batch’s actions after it committed, with the database outside the transaction', async () => {
    const made = await t.api('POST', '/items/notes', [{ text: 'a' }, { text: 'b' }, { text: 'c' }]);
    expect(made.status).toBe(200);
    await eventually(actions, (list) => list.length === 3);
    // Each saw all three rows: the batch had committed before the first action ran.
    expect((await actions()).map((a) => [a.inTransaction, a.rows])).toEqual([
      [false, 3],
      [false, 3],
      [false, 3],
    ]);
  });

  it('fires none for a batch that failed and was rolled back', async () => {
    const before = (await actions()).length;
    const failed = await t.api('POST', '/items/notes', [{ text: 'ok' }, { text: 'bad', views: 'not a number' }]);
    expect(failed.status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect((await actions()).length).toBe(before);
    expect((await t.api('GET', '/items/notes?aggregate[count]=*')).body.data[0].count).toBe(3);
  });
});
