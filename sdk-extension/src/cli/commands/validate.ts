import { VALIDATE_CHECKS, validate, type ValidateCheck } from '../../node/validate.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { EXIT, green, printDiagnostics, printJson, red, type CliIO } from '../output.js';

/** `annex-extension validate` */
export async function runValidate(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      check: { type: 'string', short: 'c', multiple: true },
      verbose: { type: 'boolean', short: 'v', default: false },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const checks = (values.check as string[] | undefined) ?? [];
  for (const c of checks) {
    if (!(VALIDATE_CHECKS as readonly string[]).includes(c))
      throw new UsageError(`--check must be one of ${VALIDATE_CHECKS.join(', ')} (got "${c}")`);
  }
  const report = await validate(io.cwd, checks as ValidateCheck[]);
  if (values.json) {
    printJson(io, report);
  } else {
    for (const result of report.checks) {
      if (values.verbose || !result.ok) io.stderr(`${result.ok ? green(io, '✔') : red(io, '✖')} ${result.check}\n`);
      if (values.verbose || !result.ok || result.diagnostics.length > 0) printDiagnostics(io, result.diagnostics);
    }
    io.stderr(report.ok ? green(io, '✔ extension is valid') + '\n' : red(io, '✖ validation failed') + '\n');
  }
  return report.ok ? EXIT.OK : EXIT.FAILURE;
}
