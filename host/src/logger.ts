import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the root logger; every extension gets a child bound to its id and version. */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
