import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEngine, rejection, spec } from './helpers.js';

describe.each(['inline', 'process'] as const)('errors across the boundary (%s engine)', (kind) => {
  let engine: ReturnType<typeof createTestEngine>;
  beforeAll(() => {
    engine = createTestEngine(kind);
  });
  afterAll(() => engine.close());

  it('keeps an extension error’s code and status (Error with props, plain object, createError-like class)', async () => {
    const inst = await engine.load(
      spec(`class DeleteProjectError extends Error { constructor() { super('cannot delete'); this.code = 'DELETE_PROJECT_ERROR'; this.status = 400; } }
        export default (r) => {
          r.get('/a', () => { throw new DeleteProjectError(); });
          r.get('/b', async () => { throw { code: 'MY_CODE', status: 409, message: 'conflict' }; });
          r.get('/c', () => { throw 'a string'; });
          r.get('/d', () => { throw Object.assign(new Error('weird'), { status: 99 }); });
        };`),
    );
    expect(await rejection(inst.call(0, [{}]))).toMatchObject({
      code: 'DELETE_PROJECT_ERROR',
      status: 400,
      message: 'cannot delete',
      details: expect.objectContaining({ extension: inst.id }),
    });
    expect(await rejection(inst.call(1, [{}]))).toMatchObject({ code: 'MY_CODE', status: 409, message: 'conflict' });
    expect(await rejection(inst.call(2, [{}]))).toMatchObject({
      code: 'RT_EXTENSION_ERROR',
      status: 500,
      message: 'a string',
    });
    expect(await rejection(inst.call(3, [{}]))).toMatchObject({ code: 'RT_EXTENSION_ERROR', status: 500 });
    expect(inst.stats().lastError).toMatchObject({ code: 'RT_EXTENSION_ERROR' });
  });

  it('maps the extension stack to its original files with the source map', async () => {
    const source = [
      '// original TypeScript',
      'type Req = { body: unknown };',
      'function explode(): never {',
      "  throw new Error('mapped');",
      '}',
      'export default (router: any) => {',
      "  router.get('/', (_req: Req) => explode());",
      '};',
      '',
    ].join('\n');
    const out = ts.transpileModule(source, {
      fileName: 'src/index.ts',
      compilerOptions: { sourceMap: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    const code = out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '');
    const inst = await engine.load(spec(code, { sourceMap: out.sourceMapText, filename: '/ext/dist/index.js' }));
    const err = await rejection(inst.call(0, [{}]));
    const stack = String(err.details?.stack);
    expect(stack).toContain('index.ts:4:');
    expect(stack).toContain('index.ts:7:');
    expect(stack).not.toContain('annex:bootstrap');
  });

  it('reports unmapped frames against the extension file when there is no source map', async () => {
    const inst = await engine.load(
      spec(`export default (r) => {\n  r.get('/', () => {\n    throw new Error('x');\n  });\n};`, {
        filename: '/ext/plain.js',
      }),
    );
    expect(String((await rejection(inst.call(0, [{}]))).details?.stack)).toContain('file:///ext/plain.js:3:11');
  });

  it('never lets host paths or host frames into errors seen inside the isolate', async () => {
    const e2 = createTestEngine(kind, {
      capabilityHost: {
        ...engine.host,
        async storage() {
          throw new Error(`${process.cwd()} secret`);
        },
      } as typeof engine.host,
    });
    try {
      const inst = await e2.load(
        spec(
          `import { storage, sleep } from 'directus:api';
          export default (r) => { r.get('/', async () => { const seen = [];
            for (const f of [() => storage.get('k'), () => sleep('x'), () => storage.set('k', () => 1)]) { try { await f(); } catch (e) { seen.push(String(e.stack) + ' ' + e.message + ' ' + JSON.stringify(e)); } }
            try { new URL('::'); } catch (e) { seen.push(String(e.stack)); }
            return seen.join('\\n'); }); };`,
          { scopes: { storage: {}, sleep: {} } },
        ),
      );
      const seen = ((await inst.call(0, [{}])) as { body: string }).body;
      expect(seen).not.toContain(process.cwd());
      expect(seen).not.toContain('node:internal');
      expect(seen).not.toMatch(/runtime\/(src|dist)/);
      expect(seen).not.toContain('isolated-vm');
    } finally {
      await e2.close();
    }
  });
});
