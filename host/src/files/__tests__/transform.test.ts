import { describe, expect, it } from 'vitest';
import { createTransformGate, parseTransform, transformGateFor } from '../transform.js';

describe('image transformations', () => {
  it('reads the Directus parameters, defaults fit to cover, and asks for nothing without size, quality or format', () => {
    const limits = { maxDimension: 100 };
    expect(parseTransform({}, limits)).toBeNull();
    expect(parseTransform({ download: '' }, limits)).toBeNull();
    expect(parseTransform({ width: '50', format: 'jpg', withoutEnlargement: 'true' }, limits)).toEqual({
      width: 50,
      format: 'jpeg',
      fit: 'cover',
      withoutEnlargement: true,
    });
    expect(parseTransform({ format: 'auto' }, limits)).toEqual({
      format: 'auto',
      fit: 'cover',
      withoutEnlargement: false,
    });
    expect(() => parseTransform({ height: '101' }, limits)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
    expect(() => parseTransform({ width: ['1', '2'] }, limits)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY' }),
    );
    expect(() => parseTransform({ width: '5', format: 'constructor' }, limits)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY' }),
    );
  });

  it('runs a bounded number at a time: past it, SERVICE_UNAVAILABLE; a slot frees when one ends, even on failure', async () => {
    const gate = createTransformGate(1);
    let release!: () => void;
    const first = gate(() => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await expect(gate(async () => 'second')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    release();
    expect(await first).toBe('first');
    await expect(
      gate(async () => {
        throw new Error('broken image');
      }),
    ).rejects.toThrow('broken image');
    expect(await gate(async () => 'third')).toBe('third');
  });
});

describe('the host’s one transformation gate', () => {
  it('is shared by everything given the same files configuration, and separate for another host', async () => {
    const files = { transformMaxConcurrent: 1 };
    expect(transformGateFor(files)).toBe(transformGateFor(files));
    let release!: () => void;
    const running = transformGateFor(files)(() => new Promise<void>((r) => (release = r)));
    // The second taker (as AssetsService next to /assets would be) is refused while the first runs.
    await expect(transformGateFor(files)(async () => 1)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await transformGateFor({ transformMaxConcurrent: 1 })(async () => 2)).toBe(2);
    release();
    await running;
    expect(await transformGateFor(files)(async () => 3)).toBe(3);
  });
});
