import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pack } from '../../node/pack.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, dim, formatBytes, green, printJson, type CliIO } from '../output.js';

/** `annex-extension pack` */
export async function runPack(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'pack-destination': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    false,
  );
  const result = await pack(io.cwd);
  const file = join(resolve(io.cwd, (values['pack-destination'] as string | undefined) ?? '.'), result.filename);
  if (!values['dry-run']) await writeFile(file, result.tarball);
  const { tarball: _tarball, pkg: _pkg, ...summary } = result;
  if (values.json) {
    printJson(io, { ...summary, file: values['dry-run'] ? null : file });
  } else {
    for (const f of result.files) io.stderr(`${dim(io, formatBytes(f.size).padStart(9))}  ${f.path}\n`);
    io.stderr(
      `${green(io, '✔')} ${values['dry-run'] ? '(dry run) ' : ''}${result.filename}: ${result.files.length} files, ${formatBytes(result.size)} packed, ${formatBytes(result.unpackedSize)} unpacked\n  integrity ${result.integrity}\n`,
    );
    if (!values['dry-run']) io.stdout(file + '\n');
  }
  return EXIT.OK;
}
