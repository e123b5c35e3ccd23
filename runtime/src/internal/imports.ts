import { build, type Plugin } from 'esbuild';
import type { CodedError } from '../protocol/errors.js';
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
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: args.path, external: true }));
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
      for (const imp of input.imports) if (imp.kind === 'dynamic-import' && !specifiers.includes(imp.path)) specifiers.push(imp.path);
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

const FRAME = /^\s*at (?:.*?\()?(.*?):(\d+):(\d+)\)?$/;

/**
 * RT_IMPORT_DENIED for V8's rejection of an `import()` that got past the load check (a computed
 * specifier, or code made by `eval`/`new Function`); undefined for any other error. `err` is the
 * error as the isolate threw it, or its record (code RT_EXTENSION_ERROR when it had none). The
 * top frame tells the rejection apart from an extension's own "Not supported" error: in the
 * module it must point at a statement with `import(`; generated code cannot be read back, so
 * there the message and frame kind decide.
 */
export function dynamicImportDenial(err: { code?: unknown; message?: unknown; stack?: unknown } | null | undefined, spec: Pick<SandboxExtensionSpec, 'code' | 'filename'>): CodedError | undefined {
  if (!err || err.message !== 'Not supported' || (err.code !== undefined && err.code !== 'RT_EXTENSION_ERROR') || typeof err.stack !== 'string') return undefined;
  const lines = err.stack.split('\n');
  if (lines[0] !== 'Error: Not supported' || lines.length < 2) return undefined;
  const top = lines[1]!;
  if (!/\(eval at /.test(top) && !/^\s*at eval /.test(top)) {
    const m = FRAME.exec(top);
    if (!m || m[1] !== `file://${spec.filename}`) return undefined;
    /* V8 places the frame at the start of the statement holding the import(), not at the token. */
    const rest = (spec.code.split('\n')[Number(m[2]) - 1] ?? '').slice(Number(m[3]) - 1);
    if (!MAYBE_DYNAMIC_IMPORT.test(rest)) return undefined;
  }
  return RuntimeErrors.RT_IMPORT_DENIED({ specifier: '(computed at run time)', dynamic: true });
}
