import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {
  readonly code = 'SDK_USAGE';
}

/**
 * parseArgs with Directus-style negations: `--no-minify` sets `minify: false` when the spec
 * declares a boolean `minify`. Unknown options are usage errors.
 */
export function parseCommandArgs(
  argv: string[],
  options: OptionSpec,
  allowPositionals = true,
): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  const negated: Record<string, boolean> = {};
  const rest: string[] = [];
  for (const arg of argv) {
    const m = /^--no-([a-z-]+)$/.exec(arg);
    if (m && options[m[1]!]?.type === 'boolean') negated[m[1]!] = false;
    else rest.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals, strict: true });
    return { values: { ...values, ...negated }, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
