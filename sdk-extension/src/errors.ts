import { defineErrors } from '@annex/protocol';

/** Every error the SDK raises, by code (a test pins the list). */
export const SdkErrors = defineErrors({
  SDK_USAGE: { status: 400, message: (p: { message: string }) => p.message },
  SDK_MANIFEST_NOT_FOUND: { status: 400, message: (p: { dir: string }) => `No package.json found in ${p.dir}` },
  SDK_MANIFEST_INVALID: {
    status: 400,
    message: (p: { message: string }) => `Invalid extension manifest: ${p.message}`,
  },
  SDK_BUILD_FAILED: { status: 500, message: (p: { count: number }) => `Build failed with ${p.count} error(s)` },
  SDK_VALIDATE_FAILED: { status: 400, message: (p: { count: number }) => `Validation failed with ${p.count} error(s)` },
  SDK_LINK_FAILED: { status: 500, message: (p: { message: string }) => `Link failed: ${p.message}` },
  SDK_ADD_FAILED: { status: 400, message: (p: { message: string }) => p.message },
  SDK_PACK_FAILED: { status: 500, message: (p: { message: string }) => `Pack failed: ${p.message}` },
  SDK_PUBLISH_FAILED: { status: 502, message: (p: { message: string }) => `Publish failed: ${p.message}` },
  SDK_PUBLISH_UNAUTHORIZED: {
    status: 401,
    message: 'The marketplace rejected the token (set --token or ANNEX_MARKETPLACE_TOKEN)',
  },
  SDK_VITEST_MISSING: { status: 400, message: 'vitest is not installed in this project: npm install -D vitest' },
  SDK_HARNESS_NOT_BUILT: {
    status: 400,
    message: (p: { file: string }) => `Built file ${p.file} is missing: run \`annex-extension build\` first`,
  },
  SDK_HARNESS_NO_ROUTE: {
    status: 404,
    message: (p: { method: string; path: string }) => `No route matches ${p.method} ${p.path}`,
  },
  SDK_HARNESS_WRONG_TYPE: {
    status: 400,
    message: (p: { expected: string; actual: string }) =>
      `This harness holds a ${p.actual} extension, not a ${p.expected}`,
  },
  SDK_HARNESS_DISPOSED: { status: 500, message: 'The harness was disposed' },
  SDK_HARNESS_FORBIDDEN: {
    status: 403,
    message: (p: { capability: string }) => `No permission to access "${p.capability}" (scope not granted)`,
  },
  SDK_HARNESS_NO_MOCK: {
    status: 502,
    message: (p: { method: string; url: string }) =>
      `No mocked response for ${p.method} ${p.url}: add one with harness.mockRequest()`,
  },
});

export type SdkErrorCode = (typeof SdkErrors.codes)[number];
