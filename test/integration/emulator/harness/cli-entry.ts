// Runs the keyrite CLI from the TypeScript sources, as src-main/cli/keyrite.cjs runs the built one.
import { main } from '../../../../src-main/cli/main.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
