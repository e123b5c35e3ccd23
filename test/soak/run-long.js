#!/usr/bin/env node
// Long soak run: `node test/soak/run-long.js [minutes]` (default 30). Same checks as the CI run
// (test/soak/soak.test.ts), for longer; set ANNEX_TEST_PG to include the PostgreSQL run.
import { spawnSync } from 'node:child_process';

const minutes = Number(process.argv[2] ?? process.env.SOAK_MINUTES ?? 30);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error('usage: node test/soak/run-long.js [minutes]');
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', 'test/soak'], {
  stdio: 'inherit',
  env: { ...process.env, SOAK_SECONDS: String(Math.round(minutes * 60)) },
});
process.exit(result.status ?? 1);
