import { describe, expect, it } from 'vitest';
import { releaseTransformService, transform, transformsRunning } from '../esbuild-service.js';

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

describe('the esbuild service', () => {
  it('is stopped only once the transforms in flight have answered; a later transform starts it again', async () => {
    const source = Array.from({ length: 4000 }, (_, i) => `export const v${i} = ${i} * 2;`).join('\n');
    const first = transform(source, { loader: 'js', format: 'cjs' });
    // Wait until the call is with the service (esbuild is imported first).
    while (transformsRunning() === 0) await new Promise((r) => setImmediate(r));
    await releaseTransformService();
    // esbuild's stop() under this call would leave it waiting forever.
    const { code } = await within(first, 20_000);
    expect(code).toContain('v3999');
    expect(transformsRunning()).toBe(0);
    const again = await within(transform('export default 1;', { loader: 'js', format: 'cjs' }), 20_000);
    expect(again.code).toContain('module.exports');
    await releaseTransformService();
  }, 60_000);
});
