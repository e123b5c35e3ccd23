/**
 * Helpers the built-in extensions share (REST conventions of Directus). Built-ins import this
 * as `@annex/host/builtins-support`, the way third-party extensions import an SDK.
 */
export { sanitizeQuery, type Query } from '../services/query.js';
export { errors } from '../errors.js';
export { checkPayload, failedValidation, type RuleFailure } from '../services/payload-rules.js';
export { crudRoutes, respondItems, asyncHandler, type CrudOptions } from './crud.js';
export { systemAccountability, publicAccountability, type Accountability } from '../auth/accountability.js';
export { toErrorResponse } from '../http/error-handler.js';
export { createLazyGraphQLHandler as createGraphQLHandler } from '../graphql/lazy-handler.js';
export { startRealtime } from '../realtime/start.js';
export { qrCodeSvg } from '../auth/qr-code.js';
export { isMailAddress } from '../auth/account-links.js';
export { isUuid } from '../services/casting.js';
export { listExtensions } from '../extensions/describe.js';
export { recordActivity, recordExtensionChange, requestActor, type ActivityEntry } from '../audit/activity.js';
export { createRequestClient } from '@annex/runtime';
export {
  asksForTransform,
  readAssetSettings,
  derivedImage,
  parseTransform,
  isTransformable,
  transformImage,
  transformGateFor,
} from '../files/transform.js';
export { formParser, readFormFile, type FormFile } from './form-file.js';
export {
  formatExport,
  exportFileName,
  exportToTempFile,
  parseCsv,
  queryBatches,
  restoreFormula,
  type ExportFormat,
} from '../services/export-format.js';
export { formatSnapshot, parseSchemaText } from '../schema/snapshot.js';
