import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { NESTED_EXTENSION_TYPES } from '@annex/protocol';
import { add } from '../../node/add.js';
import { parseCommandArgs, UsageError } from '../args.js';
import { EXIT, green, printJson, type CliIO } from '../output.js';

async function ask(io: CliIO, question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** `annex-extension add` */
export async function runAdd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      type: { type: 'string' },
      name: { type: 'string' },
      language: { type: 'string' },
      'convert-name': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  let type = values.type as string | undefined;
  let name = values.name as string | undefined;
  if (!type || !name) {
    if (!io.isTTY) throw new UsageError('--type and --name are required when not on a terminal');
    type ??= await ask(io, `Entry type (${NESTED_EXTENSION_TYPES.join(', ')}): `);
    name ??= await ask(io, 'Entry name: ');
  }
  const lang = (values.language as string | undefined) ?? (existsSync(join(io.cwd, 'tsconfig.json')) ? 'ts' : 'js');
  if (!['ts', 'js', 'typescript', 'javascript'].includes(lang))
    throw new UsageError(`--language must be ts or js (got "${lang}")`);
  const result = await add({
    cwd: io.cwd,
    type,
    name,
    language: lang.startsWith('t') ? 'typescript' : 'javascript',
    convertName: values['convert-name'] as string | undefined,
  });
  if (values.json) printJson(io, result);
  else
    io.stderr(
      `${green(io, '✔')} ${result.converted ? 'converted to a bundle and ' : ''}added ${type} "${name}" (${result.created.join(', ')})\n`,
    );
  return EXIT.OK;
}
