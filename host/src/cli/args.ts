/** Minimal argv parsing: `--flag`, `--key value`, `--key=value`, positionals. */
export function parseArgs(argv: string[]): { positionals: string[]; flags: Record<string, string | boolean> } {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq !== -1) flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (a.startsWith('--no-')) flags[a.slice(5)] = false;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) flags[a.slice(2)] = argv[++i]!;
      else flags[a.slice(2)] = true;
    } else if (a.startsWith('-') && a.length > 1) {
      flags[a.slice(1)] = true;
    } else positionals.push(a);
  }
  return { positionals, flags };
}
