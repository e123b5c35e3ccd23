#!/usr/bin/env node
// Bundles the sandbox worker's entry (with what it uses of @annex/protocol) into one CommonJS file,
// dist/worker-bundle/worker.cjs: a worker then starts from one file instead of about 150 ES modules
// (issue 20: boot). src/internal/process/worker-entry.ts uses it only while none of its inputs
// changed since it was made; otherwise the worker starts from dist/internal/worker/main.js.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCommonJs } from '../../scripts/bundle-cjs.mjs';

const RUNTIME = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const started = performance.now();
const { inputs, bytes } = await bundleCommonJs({
  build,
  root: RUNTIME,
  // Imported, not required: esbuild keeps every export of an ES module that is require()d (and of
  // what it imports), so the worker would carry zod, which it never calls, through @annex/protocol.
  entry: "import './dist/internal/worker/main.js';",
  outfile: path.join(RUNTIME, 'dist', 'worker-bundle', 'worker.cjs'),
  external: ['isolated-vm', 'esbuild'],
});
process.stdout.write(
  `runtime: ${inputs} modules bundled into dist/worker-bundle/worker.cjs (${Math.round(bytes / 1024)} KB, ${Math.round(performance.now() - started)} ms)\n`,
);
