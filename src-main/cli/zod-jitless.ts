import { config } from 'zod';

// A command of the command line runs once and exits. zod compiles a fast parser for each object schema
// (with `new Function`) the first time it parses with it, which pays only after hundreds of parses; a
// ceremony parses each schema a handful of times, so compiling cost more than it saved (issue 17:
// about a tenth of a cheap rehearsal's CPU). Jitless parsing checks exactly the same rules.
// zod reads this when a schema is built, so each short-lived command imports this module first; the
// app's long-lived main process and `audit verify` (millions of records) keep the compiled parsers.
config({ jitless: true });
