import { loadHost } from '../boot/bundled-host.js';
import { createCliProgram, emitCliInit, getExtensionCommand } from './cli-program.js';

/**
 * Runs a command an extension added in `cli.before`/`cli.after`. As in Directus, the extensions are
 * loaded first (a whole host, not listening), so the command's closure has its context (services,
 * database, getSchema). Resolves to the exit code, or `undefined` when no extension added `argv[0]`.
 */
export async function runExtensionCommand(argv: string[]): Promise<number | undefined> {
  // The whole host, as `annex start` loads it: the bundle with its code cache when it is current.
  const loaded = await loadHost();
  const program = await createCliProgram();
  const host = await loaded.module.createHost({ beforeApp: (emitter) => emitCliInit(emitter, program) });
  // What loading ran is kept for the next command (a no-op without a cache, or on a cache hit).
  loaded.persistCodeCache();
  try {
    // A CLI run is short: extension and flow schedules must not fire during it (Directus loads with schedule: false).
    host.kernel.scheduler.stopAll();
    if (!getExtensionCommand(program, argv[0] ?? '')) return undefined;
    try {
      await program.parseAsync(argv, { from: 'user' });
    } catch (error) {
      // commander has printed its own message (usage error, or help/version with exit code 0).
      const e = error as { code?: unknown; exitCode?: unknown };
      if (typeof e.code === 'string' && e.code.startsWith('commander.') && typeof e.exitCode === 'number')
        return e.exitCode === 0 ? 0 : 2;
      throw error;
    }
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } finally {
    await host.close();
  }
}
