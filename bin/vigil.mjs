#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so a fresh clone works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
await main(process.argv);
