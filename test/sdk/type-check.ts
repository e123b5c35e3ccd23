import { join } from 'node:path';
import ts from 'typescript';

// What `tsc -p <dir>` reports, without a tsc process per project: the declaration files every
// scaffolded project reads (TypeScript's lib, vue, the SDK's types) are parsed once per test file
// and shared by the projects' programs. Parsing them was most of each tsc run's CPU time.
const shared = new Map<string, ts.SourceFile | undefined>();

/** Only declaration files outside the project (none of them changes during a run). */
function isShared(fileName: string, dir: string): boolean {
  return fileName.endsWith('.d.ts') && !fileName.startsWith(`${dir}/`);
}

/** Type-checks the project in `dir` with its tsconfig.json; returns tsc's diagnostics as text ('' when clean). */
export function typeCheck(dir: string): string {
  let configError: ts.Diagnostic | undefined;
  const config = ts.getParsedCommandLineOfConfigFile(
    join(dir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => (configError = d),
    },
  );
  const format: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => dir,
    getNewLine: () => '\n',
  };
  if (!config || configError)
    return ts.formatDiagnostics(configError ? [configError] : [], format) || 'tsconfig.json could not be read';
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (!isShared(fileName, dir)) return read(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!shared.has(key)) shared.set(key, read(fileName, languageVersion, onError, shouldCreate));
    return shared.get(key);
  };
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: config.options,
    host,
    projectReferences: config.projectReferences,
  });
  const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
  return ts.formatDiagnostics(diagnostics, format);
}
