/**
 * A host in its own process for crash tests. Env: everything createHost reads, plus
 * ANNEX_CRASH_AT=<point>[:<n>] to SIGKILL itself at the n-th (default first) time a marketplace
 * operation reaches <point>. Points:
 *   after-download  the tarball is on disk, extraction has not started
 *   during-extract  extraction has written some bytes
 *   before-state    the version folder is in place, the install state is not yet written
 *   after-state     the install state is written, nothing after it (DB row, rescan) has run
 * The hook lives here, not in the host: it patches fs.promises.rename (live ESM bindings are
 * refreshed with syncBuiltinESMExports) and listens to the install progress action.
 * Prints one JSON line {url} once listening; SIGTERM closes the host.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';
import { loadHost } from '../../../host/dist/boot/bundled-host.js';

const require = createRequire(import.meta.url);
const [point, nth] = (process.env.ANNEX_CRASH_AT ?? '').split(':');
let remaining = Number(nth || 1);
const crash = (at) => {
  if (at !== point || --remaining > 0) return;
  process.stderr.write(`crashing at ${at}\n`);
  process.kill(process.pid, 'SIGKILL');
};

if (point) {
  const fsp = require('node:fs/promises');
  const rename = fsp.rename;
  fsp.rename = async (from, to) => {
    const isState = basename(String(to)) === 'annex-state.json';
    if (isState) crash('before-state');
    const done = await rename(from, to);
    if (isState) crash('after-state');
    return done;
  };
  syncBuiltinESMExports();
}

// The host as `annex start` loads it: the bundle (about 0.25 s less CPU per start than the module
// graph), falling back to the modules when the bundle is not current.
const cwd = process.env.ANNEX_CWD ?? process.cwd();
const loaded = await loadHost({ env: process.env, cwd });
const { createHost } = loaded.module;
const host = await createHost({ env: process.env, cwd, packageFile: null });
host.kernel.emitter.onAction('extensions.install.progress', ({ progress }) => {
  if (progress.phase === 'extract' && !progress.bytes) crash('after-download');
  if (progress.phase === 'extract' && progress.bytes > 0) crash('during-extract');
});
const url = await host.listen(0, '127.0.0.1');
// As `annex start` does: what boot compiled is kept (in the run's shared cache) for the next child.
loaded.persistCodeCache();
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
