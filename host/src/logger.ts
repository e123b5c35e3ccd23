import { pino, type Logger } from 'pino';

export type { Logger };

/** What the logs stream reads: every line the root logger (and its children) writes, as written. */
export interface LogTap {
  /** Calls `listener` with each written line (JSON, one log) until the returned function is called. */
  listen(listener: (line: string) => void): () => void;
}

const TAP = Symbol.for('annex.logTap');

/** Creates the root logger; every extension gets a child bound to its id and version. */
export function createLogger(level: string): Logger {
  const listeners = new Set<(line: string) => void>();
  const logger = pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      // Costs a check of an empty set per line until someone follows the logs (Directus's logs stream).
      streamWrite(line) {
        for (const listener of listeners) {
          try {
            listener(line);
          } catch {
            // a follower's failure never stops the log
          }
        }
        return line;
      },
    },
  });
  const tap: LogTap = {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  Object.defineProperty(logger, TAP, { value: tap });
  return logger;
}

/** The tap of a logger `createLogger` made, or of one of its children (they inherit it); else undefined. */
export function logTapOf(logger: Logger): LogTap | undefined {
  return (logger as Logger & { [TAP]?: LogTap })[TAP];
}
