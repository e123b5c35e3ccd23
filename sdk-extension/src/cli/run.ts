import { readFileSync } from 'node:fs';
import { isCodedError } from '@annex/protocol';
import { UsageError } from './args.js';
import { HELP, MAIN_HELP } from './help.js';
import { EXIT, processIO, red, type CliIO } from './output.js';

type Command = (argv: string[], io: CliIO) => Promise<number>;
// Each command loads only its own modules: `build` does not pay for tar, the marketplace client or
// the test runner's imports at every start.
const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => (await import('./commands/build.js')).runBuild,
  dev: async () => (await import('./commands/dev.js')).runDev,
  validate: async () => (await import('./commands/validate.js')).runValidate,
  link: async () => (await import('./commands/link.js')).runLink,
  add: async () => (await import('./commands/add.js')).runAdd,
  pack: async () => (await import('./commands/pack.js')).runPack,
  publish: async () => (await import('./commands/publish.js')).runPublish,
  test: async () => (await import('./commands/test.js')).runTest,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI and returns the exit code (never calls process.exit itself). */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    io.stdout(topic && HELP[topic] ? HELP[topic] : MAIN_HELP);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(version() + '\n');
    return EXIT.OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.stderr(red(io, `Unknown command "${command}".`) + '\n\n' + MAIN_HELP);
    return EXIT.USAGE;
  }
  if (command !== 'test' && (rest.includes('-h') || rest.includes('--help'))) {
    io.stdout(HELP[command]!);
    return EXIT.OK;
  }
  if (command === 'test' && (rest[0] === '-h' || rest[0] === '--help')) {
    io.stdout(HELP.test!);
    return EXIT.OK;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(red(io, `error: ${error.message}`) + `\nRun \`annex-extension ${command} --help\` for usage.\n`);
      return EXIT.USAGE;
    }
    if (isCodedError(error)) {
      if (rest.includes('--json'))
        io.stdout(JSON.stringify({ ok: false, error: { code: error.code, message: error.message } }, null, 2) + '\n');
      else io.stderr(red(io, `error: ${error.message} [${error.code}]`) + '\n');
      return (error as { code: string }).code === 'SDK_USAGE' ? EXIT.USAGE : EXIT.FAILURE;
    }
    io.stderr(red(io, `error: ${(error as Error).stack ?? String(error)}`) + '\n');
    return EXIT.FAILURE;
  }
}
