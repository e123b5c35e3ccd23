export { createSandboxEngine } from './internal/create-engine.js';
export { formatPrometheus } from './internal/metrics.js';
export { DEFAULT_SANDBOX_LIMITS } from './internal/limits.js';
export { RuntimeErrors, FAULT_CODES, type RuntimeErrorCode } from './errors.js';
export {
  parseUrlPattern,
  checkUrl,
  type UrlPattern,
  type UrlCheck,
  type UrlDenyReason,
} from './internal/request/url-scope.js';
export { isDeniedAddress } from './internal/request/ip.js';
export { createRequestClient, type RequestClient, type RequestResult } from './internal/request/http.js';
export { createSourceMapper, type SourceMapper, type OriginalPosition } from './internal/source-map/mapper.js';
export type * from './types.js';
