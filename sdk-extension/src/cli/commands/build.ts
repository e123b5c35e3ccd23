import { build } from '../../node/build.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, dim, formatBytes, green, printDiagnostics, printJson, red, type CliIO } from '../output.js';
import { parseBundler, runDevSession } from './dev.js';

/** `annex-extension build` */
export async function runBuild(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      type: { type: 'string', short: 't' },
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      watch: { type: 'boolean', short: 'w' },
      minify: { type: 'boolean', default: true },
      sourcemap: { type: 'boolean', default: false },
      bundler: { type: 'string' },
      json: { type: 'boolean', default: false },
      // Deprecated in Directus, accepted and ignored for compatibility.
      language: { type: 'string', short: 'l' },
      force: { type: 'boolean', short: 'f' },
    },
    false,
  );
  const req = {
    cwd: io.cwd,
    type: values.type as string | undefined,
    input: values.input as string | undefined,
    output: values.output as string | undefined,
    minify: values.minify as boolean,
    sourcemap: values.sourcemap as boolean,
    ...(values.bundler !== undefined ? { bundler: parseBundler(values.bundler) } : {}),
  };
  if (values.watch) {
    const { createDevSession } = await import('../../node/dev.js');
    return runDevSession(
      io,
      { ...req, minify: argv.includes('--no-minify') ? false : req.minify },
      Boolean(values.json),
      createDevSession,
    );
  }
  const report = await build(req);
  if (values.json) {
    printJson(io, report);
  } else {
    printDiagnostics(io, report.diagnostics);
    for (const o of report.outputs)
      io.stderr(
        `${green(io, '✔')} ${o.label} → ${o.file} ${dim(io, `${formatBytes(o.bytes)}, ${o.ms.toFixed(0)} ms`)}\n`,
      );
    if (!report.ok)
      io.stderr(
        red(io, `✖ build failed (${report.diagnostics.filter((d) => d.severity === 'error').length} error(s))`) + '\n',
      );
  }
  return report.ok ? EXIT.OK : EXIT.FAILURE;
}
