import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type TestHost } from '../../../../test/helpers/host.js';
import { writeHook } from '../../../../test/helpers/write-extension.js';

type Row = { name: string; version: string; state: string; last_error: unknown; updated_at: string };
const rows = async (t: TestHost): Promise<Map<string, Row>> =>
  new Map(((await t.host.knex('directus_extensions').select()) as Row[]).map((r) => [r.name, r]));

/*
 * A boot whose extensions did not change writes no directus_extensions row: reconcile skips
 * unchanged rows, and the states of the boot load are written once at its end, only where they
 * differ from the row (issue 20: boot). What did change is still written.
 */
describe('boot writes only the extension rows that changed', () => {
  let t: TestHost | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a second boot with nothing changed rewrites no row; a new version and a failure are written', async () => {
    t = await startHost();
    writeHook(t.extensionsPath, 'boot-writes-a', '', 'export default () => {};\n', '1.0.0');
    writeHook(t.extensionsPath, 'boot-writes-b', '', 'export default () => {};\n', '1.0.0');
    t = await t.restart();
    const first = await rows(t);
    expect(first.get('boot-writes-a')).toMatchObject({ version: '1.0.0', state: 'active', last_error: null });
    expect(first.get('boot-writes-b')).toMatchObject({ state: 'active' });

    t = await t.restart();
    const second = await rows(t);
    for (const [name, row] of first) expect(second.get(name)?.updated_at, name).toBe(row.updated_at);
    expect(t.host.kernel.extensions.records().find((r) => r.desc?.id === 'boot-writes-a')?.state).toBe('active');

    // The control: what changed on disk is written.
    writeHook(t.extensionsPath, 'boot-writes-a', '', 'export default () => {};\n', '1.1.0');
    writeHook(t.extensionsPath, 'boot-writes-b', '', 'export default () => { throw new Error("no"); };\n', '1.0.0');
    t = await t.restart();
    const third = await rows(t);
    expect(third.get('boot-writes-a')).toMatchObject({ version: '1.1.0', state: 'active' });
    expect(third.get('boot-writes-a')!.updated_at).not.toBe(second.get('boot-writes-a')!.updated_at);
    expect(third.get('boot-writes-b')).toMatchObject({ state: 'failed' });
    const lastError = third.get('boot-writes-b')!.last_error;
    expect(typeof lastError === 'string' ? JSON.parse(lastError) : lastError).toMatchObject({
      code: 'HOST_REGISTER_FAILED',
    });
  });
});
