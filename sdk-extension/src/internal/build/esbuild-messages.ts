import { relative, resolve } from 'node:path';
import type { Message } from 'esbuild';
import type { Diagnostic } from '../diagnostics.js';

/** esbuild messages → diagnostics (our plugin codes travel as a `[CODE]` suffix). */
export function fromEsbuildMessages(
  messages: readonly Message[],
  severity: 'error' | 'warning',
  cwd: string,
): Diagnostic[] {
  return messages.map((m) => {
    const coded = /\s*\[(SDK_[A-Z_]+)\]$/.exec(m.text);
    const code = coded
      ? coded[1]!
      : severity === 'error'
        ? m.text.startsWith('Could not resolve')
          ? 'SDK_UNRESOLVED_IMPORT'
          : 'SDK_SYNTAX_ERROR'
        : 'SDK_BUILD_WARNING';
    const d: Diagnostic = { code, severity, message: coded ? m.text.slice(0, coded.index) : m.text };
    if (m.location) {
      d.file = relative(cwd, resolve(cwd, m.location.file)) || m.location.file;
      d.line = m.location.line;
      d.column = m.location.column;
      d.lineText = m.location.lineText;
    }
    return d;
  });
}
