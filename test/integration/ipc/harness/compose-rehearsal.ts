import { composeServices } from '../../../../src-main/ipc/compose-services.js';
import { fakeKeystore } from '../../../unit/audit/harness/fake-keystore.js';

/**
 * The composed services as main.ts builds them, in rehearsal mode with a low scrypt cost, for a data
 * directory of the test's own. `planFile` is asked each time the app would show its file dialog.
 */
export function composeRehearsal(dataDirectory: string, planFile: () => string) {
  return composeServices(
    {
      version: 'test',
      dataDirectory,
      mode: 'rehearsal',
      region: 'us-east-1',
      publish: () => {},
      chooseFiles: async () => [planFile()],
      chooseSavePath: async () => null,
      chooseDirectory: async () => null,
      openWitnessDisplay: async () => {},
      printToPdf: async () => {
        throw new Error('these tests print no PDF');
      },
      keystore: fakeKeystore(),
    },
    { scryptCost: { N: 2 ** 14, r: 8, p: 1 } },
  );
}
