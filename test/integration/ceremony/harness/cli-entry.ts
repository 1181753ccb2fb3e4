// Runs the keyrite CLI from source (for child-process tests that must SIGKILL a real process).
import { main } from '../../../../src-main/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 70;
  },
);
