'use strict';
// The command line from its compiled modules (dist/src-main, dist/src-shared) instead of the bundle the
// launcher loads: a test that probes which modules a process loaded (the offline station loads no KMS
// client) needs them as separate files. Otherwise as src-main/cli/keyrite.cjs.
const path = require('node:path');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require(path.join(__dirname, '..', '..', '..', '..', 'dist', 'src-main', 'cli', 'main.js'))
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
