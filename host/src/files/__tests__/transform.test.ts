import { describe, expect, it } from 'vitest';
import { assetSettingsOf, createTransformGate, parseTransform, transformGateFor } from '../transform.js';

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
      transforms: [],
    });
    expect(parseTransform({ format: 'auto' }, limits)).toEqual({
      format: 'auto',
      fit: 'cover',
      withoutEnlargement: false,
      transforms: [],
    });
    expect(() => parseTransform({ height: '101' }, limits)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
    expect(() => parseTransform({ width: ['1', '2'] }, limits)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY' }),
    );
    expect(() => parseTransform({ width: '5', format: 'constructor' }, limits)).toThrow(
      expect.objectContaining({ code: 'INVALID_QUERY' }),
    );
  });

  const code = (reason: string) =>
    expect.objectContaining({ code: 'INVALID_QUERY', message: expect.stringContaining(reason) });

  it("takes Directus's system presets and the project's by `key`, alone, under the project's policy", () => {
    const limits = { maxDimension: 1000 };
    expect(parseTransform({ key: 'system-small-cover' }, limits)).toEqual({
      format: 'auto',
      fit: 'cover',
      withoutEnlargement: false,
      transforms: [['resize', { width: 64, height: 64, fit: 'cover' }]],
      preset: 'system-small-cover',
    });
    const settings = assetSettingsOf({
      storage_asset_transform: 'presets',
      storage_asset_presets: JSON.stringify([
        { key: 'card', width: 200, height: 100, fit: 'contain', quality: 70 },
        { width: 1 },
      ]),
    });
    expect(settings.presets.map((p) => p.key)).toEqual(['card']);
    expect(parseTransform({ key: 'card' }, limits, settings)).toMatchObject({
      width: 200,
      height: 100,
      fit: 'contain',
      quality: 70,
    });
    expect(() => parseTransform({ key: 'card', width: '5' }, limits, settings)).toThrow(
      code(`can't combine the "key"`),
    );
    expect(() => parseTransform({ width: '5' }, limits, settings)).toThrow(code('Only configured presets'));
    expect(() => parseTransform({ key: 'nope' }, limits)).toThrow(code(`Key "nope" isn't configured`));
    const none = assetSettingsOf({
      storage_asset_transform: 'none',
      storage_asset_presets: [{ key: 'card', width: 5 }],
    });
    expect(parseTransform({ key: 'system-large-contain' }, limits, none)).toMatchObject({ format: 'auto' });
    expect(() => parseTransform({ key: 'card' }, limits, none)).toThrow(code('disabled for this project'));
    expect(() => parseTransform({ width: '5' }, limits, none)).toThrow(code('disabled for this project'));
    // A request without transformation parameters is never refused by the policy.
    expect(parseTransform({ download: '' }, limits, none)).toBeNull();
    expect(assetSettingsOf(undefined)).toEqual({ transform: 'all', presets: [] });
  });

  it("takes raw sharp operations from Directus's list, bounded, and refuses any other", () => {
    const limits = { maxDimension: 1000, maxOperations: 3 };
    expect(
      parseTransform({ transforms: '[["blur",5],["tint","#f00"],["extend",{"top":10,"background":"#fff"}]]' }, limits),
    ).toMatchObject({
      transforms: [
        ['blur', 5],
        ['tint', '#f00'],
        ['extend', { top: 10, background: '#fff' }],
      ],
    });
    // As an extension's transformationParams give it: an array.
    expect(parseTransform({ transforms: [['greyscale']], width: 20 }, limits)).toMatchObject({
      width: 20,
      transforms: [['greyscale']],
    });
    for (const [transforms, reason] of [
      ['[["composite",[{"input":"/etc/passwd"}]]]', 'does not allow "composite"'],
      ['[["joinChannel","/etc/passwd"]]', 'does not allow "joinChannel"'],
      ['[["blur",1],["blur",1],["blur",1],["blur",1]]', 'only allowed 3 transformations'],
      ['not json', 'JSON array'],
      ['{"blur":5}', 'JSON array'],
      ['[["resize",{"width":1e9}]]', 'beyond 1000'],
      ['[["extend",{"top":600,"bottom":600}]]', 'at most 1000 pixels'],
      ['[["extend",501]]', 'at most 1000 pixels'],
      ['[["toFormat","raw"]]', '"toFormat" takes'],
      [`[["tint","${'x'.repeat(65)}"]]`, 'longer than 64'],
      [`[["recomb",${JSON.stringify(Array.from({ length: 40 }, () => Array(30).fill(1)))}]]`, 'too large'],
      ['[["extract",{"__proto__":{"left":1}}]]', '"__proto__"'],
    ] as const)
      expect(() => parseTransform({ transforms }, limits), transforms).toThrow(code(reason));
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
