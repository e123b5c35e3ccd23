import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * Type-checks endpoint sources against the built SDK declarations (dist/, as a user gets them):
 * the router an endpoint receives is Express's Router, as in Directus's SDK.
 */
const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Diagnostics per virtual source file (placed in the SDK folder so `express` and the SDK resolve as for a user), one program for all. */
function diagnose(sources: Record<string, string>): Record<string, { code: number; line: number }[]> {
  const files = new Map(
    Object.entries(sources).map(([name, text]) => [path.join(SDK, `__typecheck-${name}__.ts`), text]),
  );
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const { readFile, fileExists, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram([...files.keys()], options, host);
  const out: Record<string, { code: number; line: number }[]> = Object.fromEntries(
    Object.keys(sources).map((n) => [n, []]),
  );
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name =
      Object.keys(sources).find((n) => d.file?.fileName === path.join(SDK, `__typecheck-${n}__.ts`)) ?? 'other';
    (out[name] ??= []).push({
      code: d.code,
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    });
  }
  return out;
}

const GOOD = `import express, { type Router } from 'express';
import { defineEndpoint, type EndpointRouter } from '@annex/sdk-extension';

export default defineEndpoint((router, { services }) => {
  const asExpress: Router = router;
  router.param('id', (_req, _res, next, id: string) => next());
  router.use(express.static('public'));
  router.get('/:id', async (req, res) => {
    const items = new services.ItemsService('notes', { accountability: req.accountability ?? null, schema: req.schema });
    const limit: number | undefined = req.sanitizedQuery.limit;
    const token: string | null | undefined = req.token;
    res.cookie('seen', req.params.id, { httpOnly: true }).json({ data: await items.readByQuery(req.sanitizedQuery), limit, token, asExpress: !!asExpress });
  });
  router.get('/file', (_req, res) => res.sendFile('/tmp/x.txt'));
});

export const fromExpress: EndpointRouter = express.Router();
export const withId = defineEndpoint({ id: 'other', handler: (router) => void router.route('/x').get((_req, res) => res.end()) });
`;

const BAD = `import { defineEndpoint } from '@annex/sdk-extension';
export default defineEndpoint((router) => {
  router.get('/', (req, res) => {
    const limit: string = req.sanitizedQuery.limit;
    res.cookie(42);
  });
  router.nonsense('/');
});
`;

describe('endpoint types', () => {
  const diagnostics = diagnose({ good: GOOD, bad: BAD });

  it("an endpoint gets Express's Router, request and response, with Directus's request fields", () => {
    expect(diagnostics.good).toEqual([]);
    expect(diagnostics.other ?? []).toEqual([]);
  });

  it('is not `any`: misuse is a type error', () => {
    expect(diagnostics.bad.map((d) => d.line)).toEqual([4, 5, 7]);
    expect(diagnostics.bad.map((d) => d.code)).toEqual([2322, 2554, 2339]);
  });
});
