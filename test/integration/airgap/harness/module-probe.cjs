// Loaded with --require into a keyrite process under test: at exit it writes every module the process
// loaded, so a test can prove the offline station never loaded a KMS client.
'use strict';
const fs = require('node:fs');
const out = process.env.KEYRITE_PROBE_OUT;
process.on('exit', () => {
  if (out) fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
});
