import { publish } from '../../node/publish.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { EXIT, green, printJson, type CliIO } from '../output.js';

/** `annex-extension publish` */
export async function runPublish(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      registry: { type: 'string' },
      token: { type: 'string' },
      tag: { type: 'string', default: 'latest' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const registry = (values.registry as string | undefined) ?? io.env.ANNEX_MARKETPLACE_URL;
  if (!registry) throw new UsageError('no marketplace: pass --registry <url> or set ANNEX_MARKETPLACE_URL');
  const token = (values.token as string | undefined) ?? io.env.ANNEX_MARKETPLACE_TOKEN;
  if (!token && !values['dry-run'])
    throw new UsageError('no token: pass --token <token> or set ANNEX_MARKETPLACE_TOKEN');
  const result = await publish({
    cwd: io.cwd,
    registry,
    token,
    tag: values.tag as string,
    dryRun: Boolean(values['dry-run']),
  });
  if (values.json) printJson(io, result);
  else
    io.stderr(
      `${green(io, '✔')} ${result.dryRun ? '(dry run) would publish' : 'published'} ${result.name}@${result.version} to ${result.registry} (${result.files} files, ${result.integrity})\n`,
    );
  return EXIT.OK;
}
