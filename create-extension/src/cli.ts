import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXTENSION_TYPES, type ExtensionType } from '@annex/protocol';
import { createAsker } from './asker.js';
import { PromptAborted } from './prompts.js';
import { detectPackageManager, installArgs, runScript, type PackageManager } from './package-manager.js';
import { SANDBOXABLE_TYPES, scaffold, ScaffoldError, validateName, type Language } from './scaffold.js';

export const HELP = `Usage: create-annex-extension [name] [options]
       npm create annex-extension@latest [name] -- [options]

Creates an Annex (Directus-compatible) extension project in ./<last segment of name>.
Asks for whatever is missing: on a terminal, pick with the arrow keys (or type a choice's
number) and Enter; otherwise one answer per line, so answers may be piped in (a type by name or
number, ts/js, y/n). With --yes nothing is asked and defaults apply.

Options:
  -t, --type <type>        ${EXTENSION_TYPES.join(', ')}
  -l, --language <lang>    ts or js (typescript / javascript); default ts
      --sandbox            Run in the Annex sandbox (hook, endpoint, operation)
      --no-sandbox         Run in-process (default)
      --install            Install dependencies after creating (default)
      --no-install         Do not install dependencies
  -d, --directory <dir>    Target folder (default: the last segment of the name)
  -y, --yes                Never ask; use defaults for what is missing (type and name are required)
  -h, --help               Show this help
  -v, --version            Print the version

Exit codes: 0 created, 1 failure (folder not empty, install failed), 2 usage error.
Dependencies are installed with the package manager that ran this command (npm, pnpm, yarn, bun).
`;

export interface CreateIO {
  stdout(text: string): void;
  stderr(text: string): void;
  stdin: NodeJS.ReadableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Replaceable for tests: runs the install command, resolves to its exit code. */
  install?(pm: PackageManager, dir: string): Promise<number>;
}

function parseLanguage(value: string): Language | { error: string } {
  const v = value.toLowerCase();
  if (v === 'ts' || v === 'typescript') return 'typescript';
  if (v === 'js' || v === 'javascript') return 'javascript';
  return { error: 'answer ts or js' };
}
function parseType(value: string): ExtensionType | { error: string } {
  const byNumber = Number(value);
  if (Number.isInteger(byNumber) && byNumber >= 1 && byNumber <= EXTENSION_TYPES.length)
    return EXTENSION_TYPES[byNumber - 1]!;
  return (EXTENSION_TYPES as readonly string[]).includes(value)
    ? (value as ExtensionType)
    : { error: `one of ${EXTENSION_TYPES.join(', ')} (or its number)` };
}
function parseYesNo(value: string): boolean | { error: string } {
  if (/^(y|yes)$/i.test(value)) return true;
  if (/^(n|no)$/i.test(value)) return false;
  return { error: 'answer y or n' };
}

function defaultInstall(pm: PackageManager, dir: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(pm, installArgs(pm), { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

/** Runs the scaffolder; returns the exit code (never exits the process itself). */
export async function runCreate(argv: string[], io: CreateIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const negations = new Set(['--no-install', '--no-sandbox']);
    const parsed = parseArgs({
      args: argv.filter((a) => !negations.has(a)),
      allowPositionals: true,
      strict: true,
      options: {
        type: { type: 'string', short: 't' },
        language: { type: 'string', short: 'l' },
        sandbox: { type: 'boolean' },
        install: { type: 'boolean' },
        directory: { type: 'string', short: 'd' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    values = { ...parsed.values };
    if (argv.includes('--no-install')) values.install = false;
    if (argv.includes('--no-sandbox')) values.sandbox = false;
    positionals = parsed.positionals;
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(
      (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version +
        '\n',
    );
    return 0;
  }
  const pm = detectPackageManager(io.env.npm_config_user_agent);
  const interactive = !values.yes;
  const asker = createAsker(io.stdin, io.isTTY, (t) => io.stderr(t), !io.env.NO_COLOR);
  const yesNo = [
    { value: true, label: 'Yes' },
    { value: false, label: 'No' },
  ];
  try {
    let type = values.type as string | undefined;
    if (type !== undefined && typeof parseType(type) !== 'string')
      throw new UsageError(`--type must be one of ${EXTENSION_TYPES.join(', ')} (got "${type}")`);
    let name = positionals[0];
    let language = values.language as string | undefined;
    if (language !== undefined && typeof parseLanguage(language) !== 'string')
      throw new UsageError(`--language must be ts or js (got "${language}")`);
    if (name !== undefined && validateName(name)) throw new UsageError(`name ${validateName(name)}`);

    if (!type) {
      if (!interactive) throw new UsageError('--type is required with --yes');
      const choices = EXTENSION_TYPES.map((t) => ({ value: t as string, label: t }));
      type = await asker.choose('Extension type', choices, {
        label: 'Extension type',
        parse: parseType,
        numbered: true,
      });
    }
    if (!name) {
      if (!interactive) throw new UsageError('a name is required with --yes');
      name = await asker.text('Extension name', { parse: (a) => (validateName(a) ? { error: validateName(a)! } : a) });
    }
    const languages = [
      { value: 'typescript' as string, label: 'TypeScript' },
      { value: 'javascript', label: 'JavaScript' },
    ];
    if (!language)
      language =
        interactive && !values.type
          ? await asker.choose('Language', languages, {
              label: 'Language (ts/js)',
              parse: parseLanguage,
              default: 'ts',
            })
          : 'typescript';
    let sandbox = values.sandbox as boolean | undefined;
    if (sandbox === undefined) {
      const canSandbox = (SANDBOXABLE_TYPES as readonly string[]).includes(type);
      sandbox =
        canSandbox && interactive && !values.type
          ? await asker.choose('Run it in the sandbox?', yesNo, {
              label: 'Run it in the sandbox? (y/n)',
              parse: parseYesNo,
              default: 'n',
            })
          : false;
    }
    let install = values.install as boolean | undefined;
    if (install === undefined)
      install =
        interactive && !values.type
          ? await asker.choose('Install dependencies?', yesNo, {
              label: 'Install dependencies? (y/n)',
              parse: parseYesNo,
              default: 'y',
            })
          : true;

    const result = await scaffold({
      name,
      type: type as ExtensionType,
      language: parseLanguage(language) as Language,
      sandbox,
      directory: values.directory as string | undefined,
      cwd: io.cwd,
      packageManager: pm,
    });
    io.stderr(`✔ created ${result.dir} (${result.files.length} files)\n`);
    const sdk = (result.packageJson.devDependencies as Record<string, string>)['@annex/sdk-extension']!;
    if (sdk.startsWith('file:')) io.stderr(`  @annex/sdk-extension → ${sdk} (this Annex checkout)\n`);
    if (install) {
      io.stderr(`installing dependencies with ${pm}…\n`);
      const code = await (io.install ?? defaultInstall)(pm, result.dir);
      if (code !== 0) {
        io.stderr(`✖ ${pm} install failed (exit ${code}); run it yourself in ${result.dir}\n`);
        return 1;
      }
    }
    const run = runScript(pm);
    io.stderr(`\nNext:\n  cd ${result.dir}\n${install ? '' : `  ${pm} install\n`}  ${run} build\n  ${run} test\n`);
    io.stdout(result.dir + '\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof PromptAborted) {
      io.stderr(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ScaffoldError) {
      io.stderr(`error: ${error.message} [${error.code}]\n`);
      return 1;
    }
    throw error;
  } finally {
    asker.close();
  }
}

class UsageError extends Error {
  readonly code = 'CREATE_USAGE';
}
