import { link } from '../../node/link.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { EXIT, green, printJson, type CliIO } from '../output.js';

/** `annex-extension link <extensions-path>` */
export async function runLink(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
  if (positionals.length !== 1) throw new UsageError('link takes exactly one argument: the host extensions folder');
  const result = await link(io.cwd, positionals[0]!);
  if (values.json) printJson(io, result);
  else io.stderr(`${green(io, '✔')} ${result.link} → ${result.target}\n`);
  return EXIT.OK;
}
