/** A build/validate finding as data: the CLI prints it, `--json` emits it verbatim. */
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  lineText?: string;
  /** Manifest field path, for manifest findings (e.g. `directus:extension.host`). */
  field?: string;
}

/** `file:line:column: message` (or `field message`), the way compilers print. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file
    ? `${d.file}${d.line ? `:${d.line}:${(d.column ?? 0) + 1}` : ''}: `
    : d.field
      ? `${d.field}: `
      : '';
  const snippet = d.lineText ? `\n    ${d.lineText.trim()}` : '';
  return `${where}${d.severity}: ${d.message} [${d.code}]${snippet}`;
}

export function countErrors(diagnostics: readonly Diagnostic[]): number {
  return diagnostics.filter((d) => d.severity === 'error').length;
}
