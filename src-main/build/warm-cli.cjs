'use strict';
// Build time, in a fresh Node per command (V8 takes a code cache only for the flags it was made with):
// writes a command bundle's V8 code cache. V8 compiles a function when it is first called, so a cache
// made right after loading a bundle holds its top level only and every run compiles the rest again;
// for the commands below the cache is made after one real use of the command (issue 17: a rehearsal
// spent about 55 ms of its CPU compiling functions the cache could have held). The cache holds compiled
// code only, never data of the run, and changes how fast a bundle loads, never what runs.
//
//   node warm-cli.cjs <dist/cli> <command> <scratch dir>
const { mkdirSync } = require('node:fs');
const path = require('node:path');
const { writeCache } = require('../cli/code-cache.cjs');

const [dir, name, scratch] = process.argv.slice(2);
const bundle = path.join(dir, 'commands', `${name}.cjs`);
const silent = { out: () => {}, err: () => {} };

/** A use of the command per bundle that has one to offer without a person or a network. */
const USES = {
  // The README's rehearsal: its own emulator, generated passphrases (a cheap KDF: the same code runs).
  rehearse: ['rehearse', '--out', path.join(scratch, 'rehearsal')],
  // That rehearsal's log, verified as an auditor does.
  audit: ['audit', 'verify', path.join(scratch, 'rehearsal', 'audit.db')],
};

async function use() {
  const argv = USES[name];
  mkdirSync(scratch, { recursive: true });
  const errors = [];
  const io = { ...silent, err: (line) => errors.push(line) };
  const code = await require(path.join(dir, 'main.cjs')).main(argv, io);
  if (code !== 0) throw new Error(`keyrite ${argv.join(' ')} exited ${code}: ${errors.join(' / ')}`);
}

writeCache(bundle, USES[name] ? use : undefined)
  .catch((e) => {
    // Only speed is at stake: the cache of the bundle's top level is written instead, and the build says so.
    console.error(
      `bundle-cli: warming the code cache of ${name} failed (${e.message}); caching its top level only`,
    );
    return writeCache(bundle);
  })
  // Nothing the use left open (a socket, a timer) keeps the build waiting.
  .then(
    () => process.exit(0),
    (e) => {
      console.error(`bundle-cli: the code cache of ${name}: ${e.stack}`);
      process.exit(1);
    },
  );
