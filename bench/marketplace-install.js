#!/usr/bin/env node
// bench/marketplace-install.js — installing a ~200 KB extension from the marketplace (describe, download,
// signature + sha512 check, policy pass, extraction, manifest comparison, atomic move, state file) against
// copying the same files with fs.cp, side by side in one run, medians of N runs.
// Usage: node bench/marketplace-install.js [--runs N]   (run `npm run build` first)
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DIRECTUS_COMPAT_VERSION } from '@annex/protocol';
import { createInstaller, createMarketplaceServer, createRegistryClient } from '@annex/marketplace';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Math.max(3, Number(values.runs));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n) => `${n.toFixed(2).padStart(8)} ms`;

/** An extension of about 200 KB: JS that compresses like real bundles, plus a binary asset. */
async function writeExtension(dir) {
  await mkdir(join(dir, 'dist/assets'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bench-install',
      version: '1.0.0',
      type: 'module',
      license: 'MIT',
      files: ['dist'],
      'directus:extension': {
        type: 'endpoint',
        path: 'dist/index.js',
        source: 'src/index.ts',
        host: '^10.10.0 || ^11.0.0',
        sandbox: { enabled: true, requestedScopes: { log: {} } },
      },
    }),
  );
  let js = '';
  for (let i = 0; js.length < 150_000; i++) {
    const id = createHash('sha1').update(String(i)).digest('hex').slice(0, 8);
    js += `export function handler_${id}(req, ctx) { const v${i} = req.query?.x${i % 17} ?? ${i}; return { status: 200, body: { id: '${id}', value: v${i} * ${i % 13} } }; }\n`;
  }
  await writeFile(
    join(dir, 'dist/index.js'),
    `${js}export default (router) => router.get('/', () => ({ status: 200, body: 'ok' }));\n`,
  );
  for (let i = 0; i < 5; i++) await writeFile(join(dir, `dist/assets/chunk-${i}.bin`), randomBytes(10_000));
  await writeFile(join(dir, 'README.md'), '# bench-install\n');
}

const work = await mkdtemp(join(tmpdir(), 'annex-bench-mkt-'));
const server = await createMarketplaceServer({ dataDir: join(work, 'data'), port: 0 });
try {
  const url = await server.listen();
  const source = join(work, 'source');
  await writeExtension(source);
  const published = await server.publishFolder(source, { username: 'bench' });
  const client = createRegistryClient({ registry: url, publicKey: server.publicKeyPem });
  const details = await client.describe('bench-install');
  const v = details.versions[0];

  const copyTimes = [];
  const installTimes = [];
  const phases = { describe: [], download: [], extract: [], verify: [], move: [] };
  for (let run = -1; run < RUNS; run++) {
    // copy baseline: the same files, folder to folder
    const copyDest = join(work, `copy-${run}`);
    let t = performance.now();
    await cp(source, copyDest, { recursive: true });
    const copy = performance.now() - t;

    const extensionsDir = join(work, `ext-${run}`);
    await mkdir(extensionsDir);
    const installer = createInstaller({
      extensionsDir,
      client,
      trust: 'sandbox',
      hostVersion: DIRECTUS_COMPAT_VERSION,
    });
    const marks = {};
    t = performance.now();
    const result = await installer.install('bench-install', undefined, {
      onProgress: (p) => void (marks[p.phase] ??= performance.now()),
    });
    const install = performance.now() - t;
    if (result.version !== '1.0.0') throw new Error('unexpected install result');
    if (run >= 0) {
      // the first round warms caches (registry version check, public key, JIT) and is not counted
      copyTimes.push(copy);
      installTimes.push(install);
      phases.describe.push(marks.resolve - t);
      phases.download.push(marks.extract - marks.download);
      phases.extract.push(marks.verify - marks.extract);
      phases.verify.push(marks.move - marks.verify);
      phases.move.push(marks.done - marks.move);
    }
    await rm(copyDest, { recursive: true, force: true });
    await rm(extensionsDir, { recursive: true, force: true });
  }

  const copy = median(copyTimes);
  const install = median(installTimes);
  console.log(
    `marketplace install vs fs.cp — ${published.name}@${published.version}: ${v.file_count} files, ${(v.unpacked_size / 1024).toFixed(0)} KB unpacked, ${(v.tarball_size / 1024).toFixed(0)} KB tarball; median of ${RUNS} runs`,
  );
  console.log(`  fs.cp (copy the files)                         ${ms(copy)}`);
  console.log(
    `  install (describe+download+verify+extract+move) ${ms(install)}   ratio ${(install / copy).toFixed(1)}x`,
  );
  console.log(`    describe (registry metadata)    ${ms(median(phases.describe))}`);
  console.log(`    download + signature + sha512   ${ms(median(phases.download))}`);
  console.log(`    policy pass + extraction        ${ms(median(phases.extract))}`);
  console.log(`    manifest/trust/host checks      ${ms(median(phases.verify))}`);
  console.log(`    atomic move + state file        ${ms(median(phases.move))}`);
} finally {
  await server.close();
  await rm(work, { recursive: true, force: true });
}
