#!/usr/bin/env node
// `npx harness`: the TypeScript CLI, bundled on first use and cached (bin/runtime-bundle.js; no build step).
import { loadCli } from './runtime-bundle.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
