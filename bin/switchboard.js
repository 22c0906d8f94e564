#!/usr/bin/env node
// Runs the CLI from source in a checkout (never stale after an edit); tsx compiles on the fly.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';

register();
await import(fileURLToPath(new URL('../src/main/cli/index.ts', import.meta.url)));
