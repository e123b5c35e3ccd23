export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** The package manager that ran us (`npm create`, `pnpm create`, `yarn create`, `bun create`). */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}

/** How to run a package script with this manager (`npm run build`, `pnpm build`). */
export function runScript(pm: PackageManager): string {
  return pm === 'npm' ? 'npm run' : pm === 'bun' ? 'bun run' : pm;
}

export function installArgs(pm: PackageManager): string[] {
  return pm === 'yarn' ? [] : ['install'];
}
