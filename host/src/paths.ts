import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** host/builtins (next to dist/ and src/). */
export const BUILTINS_PATH = path.resolve(here, '..', 'builtins');
/** The repository root when running from the workspace (fixtures live there). */
export const REPO_ROOT = path.resolve(here, '..', '..');
