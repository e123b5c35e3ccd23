import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { ROOT } from './host.js';

export const COMPAT_DIR = path.resolve(ROOT, '..', 'shared', 'compat');
const CACHE = path.join(ROOT, '.cache', 'compat');

export interface CorpusEntry {
  name: string;
  version: string;
  type: string;
  check: string;
  /** The tarball's `sha512-…` (npm's integrity string). */
  integrity?: string;
}

export function corpus(): CorpusEntry[] {
  return JSON.parse(fs.readFileSync(path.join(COMPAT_DIR, 'public-corpus.json'), 'utf8'));
}

/**
 * Published Directus extensions beyond the shared corpus, chosen for what it does not cover
 * (group interfaces, attribute-reading interfaces, sandboxed operations, a tiptap bundle):
 * test/compat/wider-corpus.json, fetched and checked the same way.
 */
export function widerCorpus(): CorpusEntry[] {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'compat', 'wider-corpus.json'), 'utf8'));
}

const fetched = new Map<string, { ok: boolean; reason?: string }>();

/** The tarball `npm pack` writes for an entry (scoped names lose the `@` and `/` becomes `-`). */
const tarballOf = (e: CorpusEntry) =>
  path.join(CACHE, `${e.name.replace(/^@/, '').replace('/', '-')}-${e.version}.tgz`);

/**
 * What shared/compat/fetch.sh does (`npm pack NAME@VERSION`, then each tarball's sha512 checked
 * against the corpus's `integrity`), with one npm process for every package instead of one each:
 * ten npm starts were 6 s of CPU of a clean checkout's run. Throws naming what failed.
 */
function packCorpus(entries: CorpusEntry[], dest: string): void {
  execFileSync(
    'npm',
    ['pack', ...entries.map((e) => `${e.name}@${e.version}`), '--pack-destination', dest, '--silent'],
    { stdio: 'pipe', timeout: 180_000 },
  );
  for (const e of entries) {
    const file = path.join(dest, path.basename(tarballOf(e)));
    if (!fs.existsSync(file)) throw new Error(`npm pack wrote no ${path.basename(file)} for ${e.name}@${e.version}`);
    const actual = `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
    if (e.integrity && actual !== e.integrity)
      throw new Error(`${e.name}@${e.version}: integrity mismatch (${actual})`);
  }
}

/**
 * Downloads a corpus (the shared public one, or the wider one) once (→ .cache/compat, git-ignored).
 * Returns ok:false with the reason only when the npm registry cannot be reached.
 */
export function ensureCorpus(which: 'public' | 'wider' = 'public'): { ok: boolean; reason?: string } {
  const known = fetched.get(which);
  if (known) return known;
  const entries = which === 'public' ? corpus() : widerCorpus();
  let result: { ok: boolean; reason?: string };
  if (entries.every((e) => fs.existsSync(tarballOf(e)))) {
    result = { ok: true };
    fetched.set(which, result);
    return result;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  // Two test files (one per worker) may fetch at once on a clean checkout: each fetches into a folder
  // of its own and renames the tarballs in, so none ever reads a half-written one.
  const staging = fs.mkdtempSync(`${CACHE}-fetch-`);
  try {
    packCorpus(entries, staging);
    for (const file of fs.readdirSync(staging)) fs.renameSync(path.join(staging, file), path.join(CACHE, file));
    result = { ok: true };
  } catch (e) {
    // Only npm failing (no registry) skips; a tarball that does not match its integrity fails the run.
    if (!(e as { stderr?: unknown }).stderr) throw e;
    const out = String((e as { stderr?: Buffer }).stderr ?? '') || (e as Error).message;
    result = {
      ok: false,
      reason: `the npm registry could not be reached to fetch the compat corpus: ${out.trim().split('\n').pop()}`,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  fetched.set(which, result);
  return result;
}

/** Extracts a corpus package (unchanged) into `<dest>/<folder>` and returns that folder. */
export function extractCorpusPackage(
  name: string,
  dest: string,
  folder = name.replace(/^@/, '').replace('/', '-'),
): string {
  const entry = [...corpus(), ...widerCorpus()].find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the corpus`);
  const file = tarballOf(entry);
  const target = path.join(dest, folder);
  fs.mkdirSync(target, { recursive: true });
  tar.x({ file, cwd: target, sync: true, strip: 1 });
  return target;
}

/**
 * A corpus package extracted unchanged into the git-ignored cache with only its own production
 * dependencies installed (`npm install --omit=dev --legacy-peer-deps`, as its README asks), so
 * anything else it requires (express) must come from the host. Installed once, then reused.
 */
export function installedCorpusPackage(name: string): { ok: true; dir: string } | { ok: false; reason: string } {
  const folder = name.replace(/^@/, '').replace('/', '-');
  const root = path.join(ROOT, '.cache', 'compat-installed');
  const dir = path.join(root, folder);
  if (fs.existsSync(path.join(dir, '.installed'))) return { ok: true, dir };
  fs.rmSync(dir, { recursive: true, force: true });
  extractCorpusPackage(name, root, folder);
  try {
    execFileSync(
      'npm',
      [
        'install',
        '--omit=dev',
        '--legacy-peer-deps',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--no-package-lock',
        // Metadata npm has cached is not asked for again (26 → 9 s here, 15 → 10 s of CPU); the
        // versions still satisfy the package's own ranges.
        '--prefer-offline',
      ],
      { cwd: dir, stdio: 'pipe', timeout: 300_000 },
    );
  } catch (e) {
    const out = String((e as { stderr?: Buffer }).stderr ?? '');
    return {
      ok: false,
      reason: `npm could not install the production dependencies of ${name}: ${out.trim().split('\n').pop()}`,
    };
  }
  fs.writeFileSync(path.join(dir, '.installed'), '');
  return { ok: true, dir };
}
