#!/usr/bin/env node
// Writes types/directus-api.d.ts from the runtime's capability table (run after `tsc -b`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiDeclarations } from '../internal/api-declarations.js';

const target = fileURLToPath(new URL('../../types/directus-api.d.ts', import.meta.url));
writeFileSync(target, renderApiDeclarations());
process.stdout.write(`wrote ${target}\n`);
