// @ts-check
/**
 * What the pages show for a failure that carries no host error code (the network failed, or the
 * page's own code threw): a label of the page, not one of the host's codes (host/src/errors.ts).
 */
const NO_CODE = 'UNKNOWN';

/**
 * A failed request as the settings and insights pages show it (`<code>: <message>`): the host's
 * error code and message, from the first error of the answer.
 * @param {any} e
 * @returns {{ code: string, message: string }}
 */
export function codedError(e) {
  const first = e?.response?.data?.errors?.[0];
  return { code: first?.extensions?.code ?? e?.code ?? NO_CODE, message: first?.message ?? e?.message };
}
