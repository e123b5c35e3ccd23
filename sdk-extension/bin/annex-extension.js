#!/usr/bin/env node
// Committed so that npm links it at install time, before dist/ exists (a fresh clone); it runs the
// built CLI, and in a source checkout that was never built it builds the package first.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(cli)) (await import('../../scripts/build-on-demand.mjs')).buildOnDemand(cli);
await import(cli.href);
