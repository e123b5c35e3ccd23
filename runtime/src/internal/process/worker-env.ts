import { ENTRY_NOTE_ENV } from './entry-note.js';

/**
 * Variables of the host's environment a sandbox worker gets: the ones that change how the runtime
 * behaves (NODE_ENV reaches extensions as `process.env.NODE_ENV`; TZ keeps `Date` in the isolates
 * in the host's time zone). Nothing else crosses, least of all secrets (SECRET, KEY, passwords,
 * connection strings) or NODE_OPTIONS (loaders, inspectors). Variables an administrator granted
 * to an extension reach its isolate through the load spec, never through this environment.
 */
export const WORKER_ENV_PASSTHROUGH: readonly string[] = ['NODE_ENV', 'TZ'];

/** The explicit environment of one sandbox worker. */
export function getWorkerEnv(source: NodeJS.ProcessEnv, entryNote: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { [ENTRY_NOTE_ENV]: entryNote };
  for (const name of WORKER_ENV_PASSTHROUGH) if (source[name] !== undefined) env[name] = source[name];
  return env;
}
