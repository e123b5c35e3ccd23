import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this test runs in. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
