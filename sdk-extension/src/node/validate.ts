import { access, readdir, readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import semver from 'semver';
import { EXTENSION_PKG_KEY, isSandboxed, SANDBOX_API_MODULES, type ExtensionManifest } from '@annex/protocol';
import type { Diagnostic } from '../internal/diagnostics.js';
import { readManifest, type PackageJson } from '../internal/package-json.js';

/** The checks of `validate` (Directus names), in the order they run. */
export const VALIDATE_CHECKS = ['readme', 'license', 'directus-config', 'built-code'] as const;
export type ValidateCheck = (typeof VALIDATE_CHECKS)[number];

export interface CheckResult {
  check: ValidateCheck;
  ok: boolean;
  diagnostics: Diagnostic[];
}
export interface ValidateReport {
  ok: boolean;
  checks: CheckResult[];
}

const err = (code: string, message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code,
  severity: 'error',
  message,
  ...extra,
});
const warn = (code: string, message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code,
  severity: 'warning',
  message,
  ...extra,
});

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function pathsOf(manifest: ExtensionManifest): { field: string; path: string }[] {
  const o = manifest[EXTENSION_PKG_KEY];
  if (typeof o.path === 'string') return [{ field: `${EXTENSION_PKG_KEY}.path`, path: o.path }];
  return Object.entries(o.path)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([k, v]) => ({ field: `${EXTENSION_PKG_KEY}.path.${k}`, path: v }));
}

const IMPORT_RE =
  /(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]*\s*from\s*|\bimport\s*\(\s*)["']([^"']+)["']/g;

async function checkReadme(cwd: string): Promise<Diagnostic[]> {
  const files = await readdir(cwd);
  return files.some((f) => /^readme(\..+)?$/i.test(f))
    ? []
    : [err('SDK_VALIDATE_README', 'No README file found (README.md is shown in the marketplace)')];
}

function checkLicense(pkg: PackageJson): Diagnostic[] {
  return typeof pkg.license === 'string' && pkg.license.length > 0
    ? []
    : [err('SDK_VALIDATE_LICENSE', 'license is required (an SPDX identifier such as "MIT")', { field: 'license' })];
}

function checkConfig(manifest: ExtensionManifest): Diagnostic[] {
  const out: Diagnostic[] = [];
  const o = manifest[EXTENSION_PKG_KEY];
  if (semver.validRange(o.host) === null) {
    out.push(
      err(
        'SDK_VALIDATE_HOST_RANGE',
        `${EXTENSION_PKG_KEY}.host must be a valid semver range (got ${JSON.stringify(o.host)})`,
        { field: `${EXTENSION_PKG_KEY}.host` },
      ),
    );
  }
  if (semver.valid(manifest.version) === null) {
    out.push(
      err('SDK_VALIDATE_VERSION', `version must be a valid semver version (got ${JSON.stringify(manifest.version)})`, {
        field: 'version',
      }),
    );
  }
  if (o.type === 'bundle' || ((o.type === 'hook' || o.type === 'endpoint') && !isSandboxed(o))) {
    out.push(
      warn(
        'SDK_VALIDATE_NOT_SANDBOXED',
        `A ${o.type === 'bundle' ? 'bundle' : `non-sandboxed ${o.type}`} runs with full host access; marketplaces with sandbox-only trust will not offer it`,
        { field: `${EXTENSION_PKG_KEY}.type` },
      ),
    );
  }
  return out;
}

/** `annex.migrations`: trusted only, an existing folder, and published (`files`, when set, must include it). */
async function checkMigrations(cwd: string, pkg: PackageJson, manifest: ExtensionManifest): Promise<Diagnostic[]> {
  const o = manifest[EXTENSION_PKG_KEY];
  const folder = o.annex?.migrations;
  if (!folder) return [];
  const field = `${EXTENSION_PKG_KEY}.annex.migrations`;
  if (isSandboxed(o))
    return [
      err(
        'SDK_VALIDATE_MIGRATIONS_SANDBOXED',
        'migrations run with full database access; a sandboxed extension cannot have them',
        { field },
      ),
    ];
  if (!(await exists(resolve(cwd, folder))))
    return [err('SDK_VALIDATE_MIGRATIONS_MISSING', `${field} names ${folder}, which does not exist`, { field })];
  const files = Array.isArray(pkg.files) ? pkg.files.filter((f): f is string => typeof f === 'string') : null;
  const top = folder.replace(/^\.\//, '').split('/')[0];
  if (files && !files.some((f) => f.replace(/^\.\//, '').split('/')[0] === top)) {
    return [
      err(
        'SDK_VALIDATE_MIGRATIONS_NOT_PACKED',
        `"files" does not include ${folder}: the migrations would not be published (add "${top}" to "files")`,
        { field: 'files' },
      ),
    ];
  }
  return [];
}

async function checkBuilt(cwd: string, manifest: ExtensionManifest): Promise<Diagnostic[]> {
  const out: Diagnostic[] = [];
  const o = manifest[EXTENSION_PKG_KEY];
  for (const { field, path } of pathsOf(manifest)) {
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    if (!(await exists(file))) {
      out.push(
        err(
          'SDK_VALIDATE_MISSING_BUILD',
          `${field} points to ${path}, which does not exist (run \`annex-extension build\`)`,
          { field },
        ),
      );
      continue;
    }
    const isApi = field.endsWith('.api') || o.type === 'hook' || o.type === 'endpoint';
    if (isApi && isSandboxed(o)) {
      const code = await readFile(file, 'utf8');
      for (const m of code.matchAll(IMPORT_RE)) {
        const spec = m[1]!;
        if (!(SANDBOX_API_MODULES as readonly string[]).includes(spec)) {
          out.push(
            err(
              'SDK_SANDBOX_FORBIDDEN_IMPORT',
              `${path} imports "${spec}"; a sandboxed build may import only ${SANDBOX_API_MODULES.join(' or ')}`,
              { file: path },
            ),
          );
        }
      }
    }
  }
  return out;
}

/** Runs the validate checks (all, or the named ones); every check is awaited. */
export async function validate(cwd: string, only?: readonly ValidateCheck[]): Promise<ValidateReport> {
  const wanted = only && only.length > 0 ? only : VALIDATE_CHECKS;
  const read = await readManifest(cwd);
  const checks: CheckResult[] = [];
  for (const check of wanted) {
    let diagnostics: Diagnostic[];
    if (check === 'readme') diagnostics = await checkReadme(cwd);
    else if (!read.pkg) diagnostics = read.ok ? [] : read.diagnostics;
    else if (check === 'license') diagnostics = checkLicense(read.pkg);
    else if (!read.ok)
      diagnostics =
        check === 'directus-config'
          ? read.diagnostics
          : [err('SDK_VALIDATE_SKIPPED', 'skipped: the manifest is invalid')];
    else if (check === 'directus-config')
      diagnostics = [...checkConfig(read.manifest), ...(await checkMigrations(cwd, read.pkg, read.manifest))];
    else diagnostics = await checkBuilt(cwd, read.manifest);
    checks.push({ check, ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics });
  }
  return { ok: checks.every((c) => c.ok), checks };
}
