import { describe, expect, it } from 'vitest';
import { HELP } from '../cli/help.js';
import { SdkErrors } from '../errors.js';
import { cli } from './fixture.js';

describe('annex-extension CLI', () => {
  it('prints help for every command and exits 0', async () => {
    for (const command of ['build', 'dev', 'validate', 'link', 'add', 'pack', 'publish', 'test']) {
      const out = await cli('/', command, '--help');
      expect(out.code).toBe(0);
      expect(out.stdout).toBe(HELP[command]);
    }
  });

  it('prints the version for -v and --version', async () => {
    expect((await cli('/', '-v')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await cli('/', '--version')).code).toBe(0);
  });

  it('exits 2 on unknown commands and unknown options', async () => {
    expect((await cli('/', 'frobnicate')).code).toBe(2);
    expect((await cli('/', 'build', '--frobnicate')).code).toBe(2);
    expect((await cli('/', 'build', '-t', 'hook')).code).toBe(1);
  });

  it('publish without a registry is a usage error', async () => {
    expect((await cli('/', 'publish')).code).toBe(2);
  });

  it('pins the SDK error codes', () => {
    expect(SdkErrors.codes).toMatchInlineSnapshot(`
      [
        "SDK_USAGE",
        "SDK_MANIFEST_NOT_FOUND",
        "SDK_MANIFEST_INVALID",
        "SDK_BUILD_FAILED",
        "SDK_VALIDATE_FAILED",
        "SDK_LINK_FAILED",
        "SDK_ADD_FAILED",
        "SDK_PACK_FAILED",
        "SDK_PUBLISH_FAILED",
        "SDK_PUBLISH_UNAUTHORIZED",
        "SDK_VITEST_MISSING",
        "SDK_HARNESS_NOT_BUILT",
        "SDK_HARNESS_NO_ROUTE",
        "SDK_HARNESS_WRONG_TYPE",
        "SDK_HARNESS_DISPOSED",
        "SDK_HARNESS_FORBIDDEN",
        "SDK_HARNESS_NO_MOCK",
      ]
    `);
  });
});
