'use strict';
// The V8 code cache of the bundled command line (issue 17: compiling a command's bundle was a fifth of a
// cheap rehearsal's start-up). The build runs each bundle once and saves the code V8 compiled for it
// beside it (<bundle>.v8cache, written by src-main/build/bundle-cli.mjs through writeCache); the
// launcher loads the command's bundle through it. V8 takes a cache only from the same V8 version and
// flags and for the same source, and otherwise compiles from source, as require would: the cache
// changes how fast a bundle loads, never what runs. It is written at build time only, never at run time,
// so it is as trusted as the bundle beside it (the offline kit's SHA256SUMS covers both).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { isAscii } = require('node:buffer');

const cacheOf = (file) => `${file}.v8cache`;

/**
 * A bundle's source text. esbuild writes ASCII (non-ASCII characters escaped), and ASCII bytes read as
 * Latin-1 are the same text without the UTF-8 decoder's pass over 2.5 MB; a bundle with other bytes
 * is decoded as UTF-8, as require would.
 */
function sourceOf(file) {
  const bytes = fs.readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** Compiles and runs one bundle as require does (same wrapper, registered in require.cache first). */
function run(file, cachedData) {
  const m = new Module(file, module);
  m.filename = file;
  const script = new vm.Script(Module.wrap(sourceOf(file)), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  require.cache[file] = m;
  try {
    script
      .runInThisContext()
      .call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  m.loaded = true;
  return script;
}

/**
 * Loads a bundle through its code cache, when it has one, so a later require() of it finds it loaded.
 * Returns whether V8 used the cache. A bundle that fails to load is left to require(), which reports it.
 */
function loadWithCache(file) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheOf(file));
  } catch {
    return false;
  }
  try {
    return !run(file, cachedData).cachedDataRejected;
  } catch {
    return false;
  }
}

/**
 * Build time: runs the bundle, then `use` when given (a run of the command it carries, so that V8 has
 * compiled the functions a run calls, not only the bundle's top level), and saves the code V8 compiled.
 */
async function writeCache(file, use) {
  const script = run(file);
  if (use) await use();
  fs.writeFileSync(cacheOf(file), script.createCachedData());
}

module.exports = { loadWithCache, writeCache, cacheOf };
