import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderApiDeclarations } from '../internal/api-declarations.js';
import { CAPABILITIES } from '@annex/protocol';

describe('directus:api declarations', () => {
  it('the committed types/directus-api.d.ts matches the capability table (run `npm run generate:types -w sdk-extension`)', async () => {
    const committed = await readFile(new URL('../../types/directus-api.d.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderApiDeclarations());
  });

  it('declares every capability in both module names', () => {
    const text = renderApiDeclarations();
    for (const spec of ['directus:api', 'annex:api']) expect(text).toContain(`declare module '${spec}'`);
    for (const cap of CAPABILITIES)
      expect(text).toContain(
        cap.name.includes('.')
          ? `${cap.name.split('.')[1]}: ${cap.signature}`
          : `export const ${cap.name}: ${cap.signature}`,
      );
  });
});
