import { describe, expect, it } from 'vitest';
import { createMarker, prelude } from './harness.js';

describe('security harness self-check', () => {
  it('harm() writes the marker when handed the real host process (so the attacks can fail)', () => {
    const marker = createMarker();
    try {
      const run = new Function('process', `${prelude(marker.path)}; return harm(process);`);
      expect(run(process)).toBe('escaped');
      expect(marker.escaped()).toBe(true);
    } finally {
      marker.cleanup();
    }
  });

  it('isForeign() recognises a function from another realm', async () => {
    const vm = await import('node:vm');
    const foreign = vm.runInNewContext('(function () {})');
    const check = new Function(
      'f',
      `${prelude('/nonexistent')}; return [isForeign(f), isForeign(function () {}), isForeign(Function.prototype)];`,
    );
    expect(check(foreign)).toEqual([true, false, false]);
  });
});
