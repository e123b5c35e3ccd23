import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// `node scripts/build-on-demand.mjs steps --changed` (npm test's build) runs a bundle or app step only
// when its output is older than its inputs or its bundle manifest no longer matches; `steps` runs all.

const STEPS = {
  db: { script: 'host/scripts/bundle-db.mjs', output: 'host/dist/vendor/db.cjs' },
  worker: { script: 'runtime/scripts/bundle-worker.mjs', output: 'runtime/dist/worker-bundle/worker.cjs' },
  host: { script: 'host/scripts/bundle-host.mjs', output: 'host/dist/bundle/host.cjs' },
  app: { script: 'host/app/build.mjs', output: 'host/app/dist/manifest.json' },
};
const ALL = Object.keys(STEPS).sort();
/** The worker bundle's manifest lists this file as its one input. */
const WORKER_INPUT = 'runtime/dist/main.js';

/** Sets a file's mtime `seconds` from now. */
const touch = (file: string, seconds = 0) => {
  const t = Date.now() / 1000 + seconds;
  utimesSync(file, t, t);
};

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A checkout whose step scripts log their name to ran.log and write their output (a bundle with its manifest). */
function createCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'annex-build-steps-'));
  roots.push(root);
  // Every source made ten minutes ago: an output made now is newer.
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    touch(join(root, file), -600);
  };
  write('scripts/bundle-cjs.mjs', '');
  copyFileSync(join(REPO_ROOT, 'scripts/build-on-demand.mjs'), join(root, 'scripts/build-on-demand.mjs'));
  touch(join(root, 'scripts/build-on-demand.mjs'), -600);
  write('node_modules/.package-lock.json', '{}');
  mkdirSync(join(root, 'node_modules/@annex'));
  symlinkSync(join(REPO_ROOT, 'protocol'), join(root, 'node_modules/@annex/protocol'), 'dir');
  write('host/app/src/main.js', '');
  write(WORKER_INPUT, 'one');
  for (const [name, { script, output }] of Object.entries(STEPS)) {
    write(
      script,
      [
        "import fs from 'node:fs'; import path from 'node:path';",
        `const root = ${JSON.stringify(root)}; const out = path.join(root, ${JSON.stringify(output)});`,
        `fs.appendFileSync(path.join(root, 'ran.log'), ${JSON.stringify(`${name}\n`)});`,
        'fs.mkdirSync(path.dirname(out), { recursive: true }); fs.writeFileSync(out, "");',
        // A manifest as scripts/bundle-cjs.mjs writes it (inputs relative to the bundle's folder).
        `const input = path.join(root, ${JSON.stringify(WORKER_INPUT)}); const st = fs.statSync(input);`,
        'const inputs = out.endsWith(".cjs") ? [[path.relative(path.dirname(out), input), st.size, Math.trunc(st.mtimeMs)]] : [];',
        'if (out.endsWith(".cjs")) fs.writeFileSync(out.replace(/\\.cjs$/, ".json"), JSON.stringify({ format: 1, inputs }));',
      ].join('\n'),
    );
  }
  return root;
}

/** Runs the steps; returns the names of the steps that ran. */
function steps(root: string, ...args: string[]): string[] {
  rmSync(join(root, 'ran.log'), { force: true });
  const result = spawnSync(process.execPath, [join(root, 'scripts/build-on-demand.mjs'), 'steps', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  try {
    // The steps run side by side: the order they finish in is not theirs to keep.
    return readFileSync(join(root, 'ran.log'), 'utf8').trim().split('\n').sort();
  } catch {
    return [];
  }
}

describe('the build steps npm test runs', () => {
  it('run only the steps whose inputs changed since their output was made', () => {
    const root = createCheckout();
    expect(steps(root, '--changed')).toEqual(ALL);
    expect(steps(root, '--changed')).toEqual([]);

    // An app source newer than the app's output: the app alone.
    touch(join(root, 'host/app/src/main.js'));
    expect(steps(root, '--changed')).toEqual(['app']);
    expect(steps(root, '--changed')).toEqual([]);

    // A bundle input of another size and mtime: the bundles whose manifest lists it.
    writeFileSync(join(root, WORKER_INPUT), 'two!');
    expect(steps(root, '--changed')).toEqual(['host', 'worker']);

    // A newer install (node_modules/.package-lock.json): every step.
    touch(join(root, 'node_modules/.package-lock.json'));
    expect(steps(root, '--changed')).toEqual(ALL);
  });

  it('all run without --changed (npm run build)', () => {
    const root = createCheckout();
    steps(root);
    expect(steps(root)).toEqual(ALL);
  });

  it.skipIf(availableParallelism() < 2)('run side by side: the app build waits for the host bundle to start', () => {
    const root = createCheckout();
    // The app's step (started first) goes on only once the host's step has run: one after the other, it gives up.
    const marker = JSON.stringify(join(root, 'host-started'));
    const prepend = (file: string, code: string) =>
      writeFileSync(join(root, file), `${code}\n${readFileSync(join(root, file), 'utf8')}`);
    prepend(STEPS.host.script, `import { writeFileSync as mark } from 'node:fs'; mark(${marker}, '');`);
    prepend(
      STEPS.app.script,
      [
        "import { existsSync as seen } from 'node:fs';",
        `for (let i = 0; i < 200 && !seen(${marker}); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);`,
        `if (!seen(${marker})) { console.error('the host step did not start beside the app step'); process.exit(7); }`,
      ].join('\n'),
    );
    expect(steps(root)).toEqual(ALL);
  });

  it('a failing step fails the build with its exit code; the other steps still run', () => {
    const root = createCheckout();
    writeFileSync(join(root, STEPS.worker.script), 'console.error("worker bundle: broken"); process.exit(3);');
    const result = spawnSync(process.execPath, [join(root, 'scripts/build-on-demand.mjs'), 'steps'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: result.status, said: result.stdout.includes('worker bundle: broken') }).toEqual({
      status: 3,
      said: true,
    });
    expect(readFileSync(join(root, 'ran.log'), 'utf8').trim().split('\n').sort()).toEqual(['app', 'db', 'host']);
  });
});
