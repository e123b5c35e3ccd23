import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isBundleFresh } from '@annex/protocol/bundle';
import { getWorkerEntry, getWorkerModulePath } from '../internal/process/worker-entry.js';
import { createTestEngine, route, spec } from './helpers.js';

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

/** Creates a process engine with ANNEX_WORKER_BUNDLE set as given (read when the engine is made). */
function engineWith(value: string | undefined) {
  const before = process.env.ANNEX_WORKER_BUNDLE;
  if (value === undefined) delete process.env.ANNEX_WORKER_BUNDLE;
  else process.env.ANNEX_WORKER_BUNDLE = value;
  try {
    return createTestEngine('process', { workers: 1 });
  } finally {
    if (before === undefined) delete process.env.ANNEX_WORKER_BUNDLE;
    else process.env.ANNEX_WORKER_BUNDLE = before;
  }
}

describe.runIf(fs.existsSync('/proc/self/cmdline'))('a sandbox worker starts from the bundled entry', () => {
  let engine: ReturnType<typeof createTestEngine> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('the build made a current bundle, and a worker started from it runs an extension', async () => {
    const entry = getWorkerEntry({});
    expect(path.basename(entry)).toBe('worker.cjs');
    engine = engineWith(undefined);
    const instance = await engine.load(spec(route('return 40 + 2;')));
    expect(await instance.call(0, [{}])).toEqual({ status: 200, body: 42 });
    expect(cmdline(engine.workers()[0]!.pid!)).toContain(entry);
  });

  it('carries what the worker uses of @annex/protocol and no zod (the argument schemas stay on the host)', () => {
    const code = fs.readFileSync(getWorkerEntry({}), 'utf8');
    // The capability layout the isolate module is built from is there; zod's schema classes are not.
    expect(code).toContain('items.readByQuery');
    expect(code).not.toContain('_zod');
    expect(code).not.toContain('ZodError');
  });

  it('the control: ANNEX_WORKER_BUNDLE=off starts the module entry', async () => {
    engine = engineWith('off');
    const instance = await engine.load(spec(route('return 7;')));
    expect(await instance.call(0, [{}])).toEqual({ status: 200, body: 7 });
    expect(cmdline(engine.workers()[0]!.pid!)).toContain(getWorkerModulePath());
  });
});

describe('a worker bundle older than one of its inputs is not used', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'annex-worker-bundle-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('compares each input with the size and mtime recorded at build', () => {
    const bundle = path.join(tmp, 'b', 'worker.cjs');
    const input = path.join(tmp, 'main.js');
    fs.mkdirSync(path.dirname(bundle));
    fs.writeFileSync(bundle, '');
    fs.writeFileSync(input, 'export {};\n');
    const st = fs.statSync(input);
    fs.writeFileSync(
      path.join(tmp, 'b', 'worker.json'),
      JSON.stringify({ format: 1, inputs: [['../main.js', st.size, Math.trunc(st.mtimeMs)]] }),
    );
    expect(isBundleFresh(bundle)).toBe(true);
    fs.writeFileSync(input, 'export const changed = 1;\n');
    expect(isBundleFresh(bundle)).toBe(false);
    expect(isBundleFresh(path.join(tmp, 'none.cjs'))).toBe(false);
  });
});
