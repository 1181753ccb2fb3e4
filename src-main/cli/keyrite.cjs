#!/usr/bin/env node
'use strict';
// Launcher: the CLI is compiled and bundled by `npm ci` (prepare) into dist/cli/ (one file for the command
// table, one per command: src-main/build/bundle-cli.mjs). If it is missing, say how to fix it.
const path = require('node:path');
const entry = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.cjs');
try {
  require.resolve(entry);
} catch {
  console.error(
    'keyrite: the command line is not built. Run `npm ci` (or `npm run build`) in the Keyrite folder.',
  );
  process.exit(2);
}
// The AWS SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22.
// Keyrite's SDK version is pinned by its lock file, so that notice is for whoever upgrades it (the
// README says which Node versions Keyrite is tested on), not for a custodian at a ceremony.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`keyrite audit verify DB | head`) closes the pipe: what is left to print has
// nowhere to go, so it is dropped, and the command still finishes what it started (a ceremony step is
// not left half done) and exits with its own code, instead of dying on a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
// The command's bundle, through the code cache the build made for it (code-cache.cjs); the command
// table's require then finds it loaded. An unknown name is left to the table to refuse.
const name = process.argv[2];
if (name !== undefined && /^[a-z]+$/.test(name)) {
  const bundle = path.join(path.dirname(entry), 'commands', `${name}.cjs`);
  if (require('node:fs').existsSync(bundle))
    require('./code-cache.cjs').loadWithCache(require.resolve(bundle));
}
require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
