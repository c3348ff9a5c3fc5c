#!/usr/bin/env node
// Runs the bundle that `npm run build` writes; npm start, chat and test build it first.
import fs from 'node:fs';

const bundle = new URL('../dist/parley.mjs', import.meta.url);
if (!fs.existsSync(bundle)) {
  console.error('parley: dist/parley.mjs is missing. Run `npm run build` first (npm start and npm test do it for you).');
  process.exit(1);
}
process.setSourceMapsEnabled(true);
await import(bundle.href);
