import type { Logger } from '../server/logger.js';

const LEVELS = { debug: '\u001b[90m', info: '\u001b[36m', warn: '\u001b[33m', error: '\u001b[31m' } as const;

/** One line per event on stderr: `time level message key=value…`, coloured only when asked. */
export function createCliLogger(options: { color: boolean; quiet?: boolean; debug?: boolean }): Logger {
  const line = (level: keyof typeof LEVELS) => (obj: object, msg?: string) => {
    if (options.quiet && level !== 'error') return;
    if (level === 'debug' && !options.debug) return;
    const fields = Object.entries(obj)
      .map(([k, v]) => {
        if (v instanceof Error || (k === 'err' && v && typeof v === 'object')) {
          const e = v as { code?: string; message?: string };
          return `${k}=${JSON.stringify(`${e.code ? `${e.code}: ` : ''}${e.message}`)}`;
        }
        return `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
      })
      .join(' ');
    const tag = options.color ? `${LEVELS[level]}${level}\u001b[0m` : level;
    process.stderr.write(`${new Date().toISOString()} ${tag} ${msg ?? ''}${fields ? ` ${fields}` : ''}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
