// Loaded with --require into a keyrite process under test: counts the private evidence copies it
// makes (src-main/audit/evidence-snapshot.ts) and writes the count at exit, so a test can prove a log
// is copied once.
'use strict';
const fs = require('node:fs');
const out = process.env.KEYRITE_PROBE_OUT;
let copies = 0;
const mkdtempSync = fs.mkdtempSync;
fs.mkdtempSync = function (prefix, ...rest) {
  if (String(prefix).includes('keyrite-evidence-')) copies++;
  return mkdtempSync.call(this, prefix, ...rest);
};
process.on('exit', () => {
  if (out) fs.writeFileSync(out, String(copies));
});
