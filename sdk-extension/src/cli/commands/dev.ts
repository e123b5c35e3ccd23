import type { BuildRequest } from '../../node/build.js';
import type { DevResult, RebuildEvent } from '../../node/dev.js';
import { APP_BUNDLERS, type AppBundler } from '../../internal/build/app-bundler.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { EXIT, dim, green, printDiagnostics, printJson, red, type CliIO } from '../output.js';

/** `--bundler <name>`: one of the app bundlers, or undefined (the default choice). */
export function parseBundler(value: unknown): AppBundler | undefined {
  if (value === undefined) return undefined;
  if (!(APP_BUNDLERS as readonly unknown[]).includes(value))
    throw new UsageError(`--bundler must be one of ${APP_BUNDLERS.join(', ')} (got "${String(value)}")`);
  return value as AppBundler;
}

type Factory = (req: BuildRequest, onRebuild: (e: RebuildEvent) => void) => Promise<DevResult>;

/** Runs a dev session until SIGINT/SIGTERM. */
export async function runDevSession(io: CliIO, req: BuildRequest, json: boolean, factory: Factory): Promise<number> {
  const started = await factory(req, (event) => {
    if (json) {
      io.stdout(JSON.stringify(event) + '\n');
      return;
    }
    printDiagnostics(io, event.diagnostics);
    const time = new Date().toTimeString().slice(0, 8);
    io.stderr(
      event.ok
        ? `${dim(io, time)} ${green(io, '✔')} rebuilt ${event.label} in ${event.ms.toFixed(0)} ms\n`
        : `${dim(io, time)} ${red(io, '✖')} ${event.label} failed\n`,
    );
  });
  if (!started.ok) {
    if (json) printJson(io, { ok: false, diagnostics: started.diagnostics });
    else printDiagnostics(io, started.diagnostics);
    return EXIT.FAILURE;
  }
  await started.session.ready;
  if (!json) io.stderr(dim(io, 'watching for changes (Ctrl-C to stop)') + '\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await started.session.close();
  return EXIT.OK;
}

/** `annex-extension dev` */
export async function runDev(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      minify: { type: 'boolean', default: false },
      sourcemap: { type: 'boolean', default: true },
      bundler: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const bundler = parseBundler(values.bundler);
  const { createDevSession } = await import('../../node/dev.js');
  return runDevSession(
    io,
    {
      cwd: io.cwd,
      minify: values.minify as boolean,
      sourcemap: values.sourcemap as boolean,
      ...(bundler ? { bundler } : {}),
    },
    Boolean(values.json),
    createDevSession,
  );
}
