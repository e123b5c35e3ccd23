import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// npm links a workspace's bins at install time; a bin that points at build output (dist/) does not
// exist then in a fresh clone and is silently not linked. Every bin must be a committed file.
const tracked = new Set(
  execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean),
);
const workspaces = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;

function binsOf(workspace: string): [string, string][] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as {
    name: string;
    bin?: string | Record<string, string>;
  };
  if (pkg.bin === undefined) return [];
  return typeof pkg.bin === 'string' ? [[pkg.name, pkg.bin]] : Object.entries(pkg.bin);
}

describe('workspace bins', () => {
  const all = workspaces.flatMap((w) =>
    binsOf(w).map(([name, target]) => ({ workspace: w, name, file: normalize(join(w, target)) })),
  );

  it('the four CLIs are declared', () => {
    expect(all.map((b) => b.name).sort()).toEqual(
      expect.arrayContaining(['annex', 'annex-extension', 'annex-marketplace', 'create-annex-extension']),
    );
  });

  for (const bin of all) {
    it(`${bin.name} (${bin.workspace}) is a git-tracked, executable file`, () => {
      expect(tracked.has(bin.file), `${bin.file} is not tracked`).toBe(true);
      expect(statSync(join(REPO_ROOT, bin.file)).mode & 0o111).not.toBe(0);
      expect(readFileSync(join(REPO_ROOT, bin.file), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    });
  }
});
