export {
  scaffold,
  packageJsonFor,
  extensionId,
  validateName,
  ScaffoldError,
  SANDBOXABLE_TYPES,
  TEMPLATES_DIR,
} from './scaffold.js';
export type { ScaffoldOptions, ScaffoldResult, Language } from './scaffold.js';
export { runCreate, HELP } from './cli.js';
export type { CreateIO } from './cli.js';
export { detectPackageManager, runScript } from './package-manager.js';
export type { PackageManager } from './package-manager.js';
export { getSdkDependency } from './sdk-source.js';
