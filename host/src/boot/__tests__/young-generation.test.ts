import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../paths.js';

/*
 * `npm start` runs the host with a 2 MB cap on each young-generation semi-space (issue 20:
 * footprint): boot otherwise grows them to 16 MB, which stay until V8's memory reducer runs
 * (8-20 s after boot) and come back under load. V8 reads the flag only when the heap is made, so it
 * must be on node's command line (bench/README.md has the measurements).
 */

/** Node flags of the `start` script (between `node` and the CLI's path). */
function startScriptFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts.start.split(/\s+/);
  const node = words.indexOf('node');
  const cli = words.findIndex((w, i) => i > node && !w.startsWith('-'));
  return words.slice(node + 1, cli);
}

/** MB of new space after a burst of short-lived allocations in a node started with `flags`. */
function grownNewSpaceMb(flags: string[]): number {
  const script = `let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 1e5) keep = []; }
const s = require('node:v8').getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
process.stdout.write(String(s.space_size / 1048576));`;
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }));
}

describe('the host started by npm start has a capped young generation', () => {
  it('runs node with --max-semi-space-size=2 (with --no-node-snapshot)', () => {
    const flags = startScriptFlags();
    expect(flags).toContain('--max-semi-space-size=2');
    expect(flags).toContain('--no-node-snapshot');
  });

  it('the cap holds: new space stays at two 2 MB semi-spaces where it grows to 32 MB without it', () => {
    const flags = startScriptFlags();
    expect(grownNewSpaceMb(flags)).toBeLessThanOrEqual(4);
    expect(grownNewSpaceMb(flags.filter((f) => !f.startsWith('--max-semi-space-size')))).toBeGreaterThan(4);
  });
});
