#!/usr/bin/env node
import { runCreate } from './cli.js';

process.exitCode = await runCreate(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stdin: process.stdin,
  isTTY: Boolean(process.stdin.isTTY),
  env: process.env,
  cwd: process.cwd(),
});
