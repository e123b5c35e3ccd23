import type { Plugin } from 'esbuild';
import type { CodedError } from '@annex/protocol';
import type { SandboxExtensionSpec } from '../types.js';
import { RuntimeErrors } from '../errors.js';

/**
 * Dynamic `import()` in sandboxed code. isolated-vm offers no dynamic-import hook, so V8
 * rejects every `import()` with a bare "Not supported"; Annex refuses them with
 * RT_IMPORT_DENIED instead: at load for every literal specifier, at run time for the rest.
 */

/** `import(`, also with a comment before the parenthesis. Anything else cannot be a dynamic import. */
const MAYBE_DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;

/** Every import stays external: esbuild only parses, so the scan never reads a file. */
const externalEverything: Plugin = {
  name: 'annex-external-everything',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * The string-literal specifiers of `import()` expressions in `code`, found by esbuild's parser
 * (comments, strings and regular expressions are not mistaken for code). Sources without the
 * `import(` token skip the parse, so the usual extension costs nothing here. Code esbuild
 * cannot parse yields none: compiling it in the isolate reports the syntax error.
 */
export async function findDynamicImports(code: string, filename: string): Promise<string[]> {
  if (!MAYBE_DYNAMIC_IMPORT.test(code)) return [];
  try {
    // Loaded here, not at the top: the host and every sandbox worker import this module at start,
    // and only a source with an `import(` token needs esbuild's parser (issue 20: boot).
    const { build } = await import('esbuild');
    const result = await build({
      stdin: { contents: code, sourcefile: filename, loader: 'js' },
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      plugins: [externalEverything],
    });
    const specifiers: string[] = [];
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imp of input.imports)
        if (imp.kind === 'dynamic-import' && !specifiers.includes(imp.path)) specifiers.push(imp.path);
    }
    return specifiers;
  } catch {
    return [];
  }
}

/** Throws RT_IMPORT_DENIED naming the first literal `import()` specifier in `code`. */
export async function refuseDynamicImports(code: string, filename: string): Promise<void> {
  const [specifier] = await findDynamicImports(code, filename);
  if (specifier !== undefined) throw RuntimeErrors.RT_IMPORT_DENIED({ specifier, dynamic: true });
}

/**
 * `    at fn (file:///x.js:3:7)` or `    at file:///x.js:3:7` → its file, line and column. Parsed
 * by position, not by a backtracking pattern: the line is the extension's to make.
 */
function parseFrame(frame: string): { file: string; line: number; column: number } | undefined {
  if (frame.length > 4096) return undefined;
  let s = frame.trim();
  if (!s.startsWith('at ')) return undefined;
  s = s.slice(3);
  if (s.endsWith(')')) {
    const open = s.lastIndexOf('(');
    if (open === -1) return undefined;
    s = s.slice(open + 1, -1);
  }
  const c2 = s.lastIndexOf(':');
  const c1 = c2 > 0 ? s.lastIndexOf(':', c2 - 1) : -1;
  if (c1 <= 0) return undefined;
  const line = Number(s.slice(c1 + 1, c2));
  const column = Number(s.slice(c2 + 1));
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || column < 1) return undefined;
  return { file: s.slice(0, c1), line, column };
}

/**
 * RT_IMPORT_DENIED for V8's rejection of an `import()` that got past the load check (a computed
 * specifier, or code made by `eval`/`new Function`); undefined for any other error. `err` is the
 * error as the isolate threw it, or its record (code RT_EXTENSION_ERROR when it had none). The
 * top frame tells the rejection apart from an extension's own "Not supported" error: in the
 * module it must point at a statement with `import(`; generated code cannot be read back, so
 * there the message and frame kind decide.
 */
export function dynamicImportDenial(
  err: { code?: unknown; message?: unknown; stack?: unknown } | null | undefined,
  spec: Pick<SandboxExtensionSpec, 'code' | 'filename'>,
): CodedError | undefined {
  if (
    !err ||
    err.message !== 'Not supported' ||
    (err.code !== undefined && err.code !== 'RT_EXTENSION_ERROR') ||
    typeof err.stack !== 'string'
  )
    return undefined;
  /* Only the first two lines matter; the rest of an extension-made stack is never scanned. */
  const head = err.stack.slice(0, 8192);
  const lines = head.split('\n', 2);
  if (lines[0] !== 'Error: Not supported' || lines.length < 2) return undefined;
  const top = lines[1]!;
  if (!top.includes('(eval at ') && !top.trimStart().startsWith('at eval ')) {
    const m = parseFrame(top);
    if (!m || m.file !== `file://${spec.filename}`) return undefined;
    /* V8 places the frame at the start of the statement holding the import(), not at the token. */
    const rest = (spec.code.split('\n')[m.line - 1] ?? '').slice(m.column - 1);
    if (!MAYBE_DYNAMIC_IMPORT.test(rest)) return undefined;
  }
  return RuntimeErrors.RT_IMPORT_DENIED({ specifier: '(computed at run time)', dynamic: true });
}
