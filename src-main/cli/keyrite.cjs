#!/usr/bin/env node
'use strict';
// Launcher: the CLI is compiled by `npm ci` (prepare) into dist/. If dist is missing, say how to fix it.
const path = require('node:path');
const entry = path.join(__dirname, '..', '..', 'dist', 'src-main', 'cli', 'main.js');
try {
  require.resolve(entry);
} catch {
  console.error(
    'keyrite: the command line is not built. Run `npm ci` (or `npm run build`) in the Keyrite folder.',
  );
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
