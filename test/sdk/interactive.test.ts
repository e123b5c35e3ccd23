import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, WORKSPACE } from './helpers.js';

const BIN = join(WORKSPACE, 'create-extension/dist/main.js');

async function tree(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = join(rel, e.name);
    if (e.isDirectory()) Object.assign(out, await tree(dir, p));
    else out[p] = await readFile(join(dir, p), 'utf8');
  }
  return out;
}

describe('create-annex-extension bin', () => {
  it('a piped interactive session produces the same project as the flags', async () => {
    const a = await mkdtemp(join(tmpdir(), 'annex-int-a-'));
    const b = await mkdtemp(join(tmpdir(), 'annex-int-b-'));
    const piped = await run(process.execPath, [BIN], a, 'operation\nmy-op\njs\ny\nn\n');
    expect(piped.code, piped.stderr).toBe(0);
    const flags = await run(
      process.execPath,
      [BIN, 'my-op', '--type', 'operation', '--language', 'js', '--sandbox', '--no-install'],
      b,
    );
    expect(flags.code, flags.stderr).toBe(0);
    expect(await tree(join(a, 'my-op'))).toEqual(await tree(join(b, 'my-op')));
  });

  it('never waits for input that is not coming (no TTY, no answers)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'annex-int-c-'));
    const result = await run(process.execPath, [BIN], cwd, '', 20_000);
    expect(result.code).toBe(2);
  });
});
