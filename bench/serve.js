// Starts a host for a benchmark in its own process; prints its URL on stdout and waits.
import { createHost } from '@annex/host';

const host = await createHost({ env: process.env, cwd: process.env.BENCH_DIR, packageFile: null });
const url = await host.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
process.stdout.write(`${url}\n`);
process.stderr.write(`[serve] sandbox engine: ${host.config.sandbox.engine}\n`);
process.on('SIGTERM', () => host.close().then(() => process.exit(0)));
