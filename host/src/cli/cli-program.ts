import type { Command } from 'commander';
import type { Emitter } from '../events/emitter.js';

/** The commands the `annex` CLI itself answers (see HELP in main.ts); anything else may be an extension's. */
export const BUILTIN_COMMANDS: readonly { name: string; description: string }[] = [
  { name: 'start', description: 'Start the host (migrates, bootstraps, loads extensions)' },
  { name: 'bootstrap', description: 'Create/upgrade the database and the first admin, then exit' },
  { name: 'extensions', description: 'Manage extensions (see: annex extensions --help)' },
  { name: 'schema', description: "Snapshot the project's schema, or apply a snapshot (see: annex schema --help)" },
];

/**
 * The commander program Directus hands to `cli.before`/`cli.after` as `{ program }`. An extension
 * adds a command the Directus way: `init('cli.before', ({ program }) => program.command('x').action(...))`.
 * Errors are thrown (exitOverride), not turned into `process.exit`, so the CLI closes the host first.
 */
export async function createCliProgram(): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command();
  program.name('annex').usage('[command] [options]').exitOverride();
  return program;
}

/**
 * Directus's order: `cli.before` with the bare program, then the built-in commands are defined, then
 * `cli.after` (an extension may inspect or amend them). The built-ins are listed here for extensions
 * to see; main.ts dispatches them itself without going through the program. Without a `program`,
 * one is made only when an extension listens to either event, so `annex start` loads commander only
 * for them (issue 20: boot).
 */
export async function emitCliInit(emitter: Emitter, given?: Command): Promise<void> {
  if (!given && !emitter.hasInit('cli.before') && !emitter.hasInit('cli.after')) return;
  const program = given ?? (await createCliProgram());
  await emitter.emitInit('cli.before', { program });
  for (const c of BUILTIN_COMMANDS) {
    if (!program.commands.some((known) => known.name() === c.name))
      program.command(c.name).description(c.description).allowUnknownOption().allowExcessArguments();
  }
  await emitter.emitInit('cli.after', { program });
}

/** The extension command `name` names, if an extension added one (by name or alias). */
export function getExtensionCommand(program: Command, name: string): Command | undefined {
  if (BUILTIN_COMMANDS.some((c) => c.name === name)) return undefined;
  return program.commands.find((c) => c.name() === name || c.aliases().includes(name));
}
