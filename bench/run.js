// Runs every benchmark in sequence (`npm run bench`); each prints its figures and ratios.
// Pass names to run a subset: `npm run bench -- sandbox hot-reload`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.js';

const ALL = [
  'boot',
  'writes',
  'realtime',
  'routes',
  'cluster',
  'sandbox',
  'endpoint-throughput',
  'hot-reload',
  'reload-cpu',
  'marketplace-install',
  'build',
  'app-budget',
];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = path.join(ROOT, 'bench', `${name}.js`);
  if (!fs.existsSync(file)) {
    console.log(`\n== ${name}: not present, skipped`);
    continue;
  }
  console.log(`\n== ${name}`);
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '--expose-gc', file], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited with ${r.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
