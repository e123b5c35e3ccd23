import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** This SDK's built, browser- and sandbox-safe entry (define* helpers), as an absolute path. */
export function sdkEntryPath(): string {
  const beside = fileURLToPath(new URL('../index.js', import.meta.url));
  if (existsSync(beside)) return beside;
  // Running from sources (tests): resolve the package's own export.
  return createRequire(import.meta.url).resolve('@annex/sdk-extension');
}
