import { execFileSync } from 'node:child_process';
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
}

export function corpus(): CorpusEntry[] {
  return JSON.parse(fs.readFileSync(path.join(COMPAT_DIR, 'public-corpus.json'), 'utf8'));
}

let fetched: { ok: boolean; reason?: string } | undefined;

/**
 * Downloads the public corpus once (shared/compat/fetch.sh → .cache/compat, git-ignored).
 * Returns ok:false with the reason only when the npm registry cannot be reached.
 */
export function ensureCorpus(): { ok: boolean; reason?: string } {
  if (fetched) return fetched;
  const entries = corpus();
  const tarball = (e: CorpusEntry) =>
    path.join(CACHE, `${e.name.replace(/^@/, '').replace('/', '-')}-${e.version}.tgz`);
  if (entries.every((e) => fs.existsSync(tarball(e)))) return (fetched = { ok: true });
  fs.mkdirSync(CACHE, { recursive: true });
  // Two test files (one per worker) may fetch at once on a clean checkout: each fetches into a folder
  // of its own and renames the tarballs in, so none ever reads a half-written one.
  const staging = fs.mkdtempSync(`${CACHE}-fetch-`);
  try {
    execFileSync('bash', [path.join(COMPAT_DIR, 'fetch.sh'), staging], { stdio: 'pipe', timeout: 180_000 });
    for (const file of fs.readdirSync(staging)) fs.renameSync(path.join(staging, file), path.join(CACHE, file));
    fetched = { ok: true };
  } catch (e) {
    const out = String((e as { stdout?: Buffer }).stdout ?? '') + String((e as { stderr?: Buffer }).stderr ?? '');
    fetched = {
      ok: false,
      reason: `the npm registry could not be reached to fetch the compat corpus: ${out.trim().split('\n').pop()}`,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return fetched;
}

/** Extracts a corpus package (unchanged) into `<dest>/<folder>` and returns that folder. */
export function extractCorpusPackage(
  name: string,
  dest: string,
  folder = name.replace(/^@/, '').replace('/', '-'),
): string {
  const entry = corpus().find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the corpus`);
  const file = path.join(CACHE, `${name.replace(/^@/, '').replace('/', '-')}-${entry.version}.tgz`);
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
