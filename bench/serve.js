// Starts a host for a benchmark in its own process, the way `annex start` loads it (the bundled host
// with its code cache when the bundle is current); prints its URL on stdout and waits.
import { loadHost } from '../host/dist/boot/bundled-host.js';

const loaded = await loadHost({ env: process.env, cwd: process.env.BENCH_DIR });
const host = await loaded.module.createHost({ env: process.env, cwd: process.env.BENCH_DIR, packageFile: null });
const url = await host.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
setTimeout(() => loaded.persistCodeCache(), 250).unref();
process.stdout.write(`${url}\n`);
process.stderr.write(`[serve] sandbox engine: ${host.config.sandbox.engine}, host from ${loaded.source}\n`);
process.on('SIGTERM', () => host.close().then(() => process.exit(0)));
