import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The manifest scripts/bundle-cjs.mjs writes beside a bundle (`<name>.json`: the files that stand
 * for its inputs, each with its size and mtime), read by what starts from a bundle (the host's
 * `annex start`, the sandbox worker) to tell a bundle older than its sources. Format 1 listed every
 * input; format 2 lists what stands for them (npm's hidden lockfile for an installed tree, a
 * TypeScript project's build info for its output; scripts/bundle-cjs.mjs says which). Node-only: imported as `@annex/protocol/bundle`.
 */

/** Whether `bundle` exists and every file listed beside it has the size and mtime recorded when it was made. */
export function isBundleFresh(bundle: string): boolean {
  let manifest: { format?: number; inputs?: [string, number, number][] };
  try {
    manifest = JSON.parse(readFileSync(bundle.replace(/\.cjs$/, '.json'), 'utf8'));
    if (!statSync(bundle).isFile()) return false;
  } catch {
    return false;
  }
  if ((manifest.format !== 1 && manifest.format !== 2) || !Array.isArray(manifest.inputs)) return false;
  const dir = path.dirname(bundle);
  for (const [rel, size, mtime] of manifest.inputs) {
    const st = statSync(path.resolve(dir, rel), { throwIfNoEntry: false });
    if (!st || st.size !== size || Math.trunc(st.mtimeMs) !== mtime) return false;
  }
  return true;
}
