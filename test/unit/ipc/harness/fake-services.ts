import type { KeyriteServices } from '../../../../src-main/ipc/services.js';
import { KeyriteError } from '../../../../src-shared/errors.js';

const view = { status: 'no-plan' as const, participants: [], steps: [] };

/** Services that answer with fixed, valid values, for testing the IPC layer alone. */
export function fakeServices(overrides: Partial<KeyriteServices> = {}): KeyriteServices {
  const base: KeyriteServices = {
    'app.info': async () => ({
      name: 'Keyrite',
      version: '0.1.0',
      stationId: 'station-test',
      mode: 'rehearsal',
      dataDirectory: '/tmp/x',
    }),
    'app.openWitnessDisplay': async () => ({ opened: true }),
    'params.inspect': async () => ({ status: 'cancelled' }),
    'audit.verify': async () => ({ intact: true, records: 0, checkpoints: 0 }),
    'audit.summary': async () => ({ records: 0, recent: [] }),
    'audit.openLog': async () => ({ status: 'cancelled' }),
    'audit.pinStations': async (r) => ({
      fileName: 'audit.db',
      verification: {
        intact: true,
        records: 0,
        checkpoints: 0,
        stations: [],
        // A real workspace pins only fingerprints (the contract's response refuses anything else).
        pins: r.stations.filter((s) => /^[0-9a-f]{64}$/.test(s)),
        pinned: false,
        participantKeys: [],
        warnings: [],
      },
      readable: 0,
      filters: { ceremonies: [], steps: [], actors: [], types: [] },
      timeline: [],
    }),
    'audit.records': async (r) => ({ matched: 0, offset: r.offset, records: [] }),
    'audit.exportLog': async () => ({ status: 'cancelled' }),
    'kms.identity': async () => ({
      provider: 'aws',
      endpoint: 'emulator',
      region: 'eu-west-1',
      account: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/t',
    }),
    'ceremony.loadPlan': async () => ({ status: 'cancelled' }),
    'ceremony.state': async () => view,
    'ceremony.enroll': async (r) => ({ custodianId: r.custodianId, publicKeyFingerprint: 'ab'.repeat(32) }),
    'ceremony.confirm': async (r) => ({
      stepId: r.stepId,
      custodianId: r.custodianId,
      confirmations: 1,
      required: 2,
    }),
    'ceremony.verifyShare': async () => view,
    'ceremony.openShare': async (r) => ({ custodianId: r.custodianId, checkValue: 'abc123' }),
    'ceremony.enterComponent': async (r) => ({ custodianId: r.custodianId, checkValue: 'abc123' }),
    'ceremony.runStep': async () => view,
    'ceremony.witnessSignOff': async () => view,
    'ceremony.witnessException': async () => view,
    'ceremony.reportPdf': async () => ({ status: 'cancelled' }),
    'ceremony.shareMedia': async () => ({ shares: [] }),
    'ceremony.keyMaterials': async () => ({}),
    'ceremony.copyShare': async () => ({ status: 'cancelled' }),
    'station.role': async () => ({ role: 'single', locked: false }),
    'station.chooseRole': async ({ role }) => ({ role, locked: false }),
    'media.volumes': async () => ({ volumes: [] }),
    'bundle.state': async () => ({ written: [], accepted: [] }),
    'bundle.write': async () => ({ status: 'cancelled' }),
    'bundle.read': async () => ({ status: 'cancelled' }),
    'ceremony.startOffline': async () => ({ status: 'cancelled' }),
    'ceremony.startOfflineFromConsole': async () => ({ status: 'cancelled' }),
    'bundle.readConsoleRequest': async () => ({ status: 'cancelled' }),
    'passphrase.policy': async () => ({
      rule: 'rule',
      minCharacters: 12,
      maxBytes: 1024,
      minScore: 4,
      minGuessesLog10: 12,
      generatedWords: 6,
      generatedBits: 77,
      kdf: { algorithm: 'scrypt', N: 2 ** 18, r: 8, p: 1, memoryMiB: 256 },
    }),
    'passphrase.check': async () => ({
      acceptable: true,
      score: 4,
      guessesLog10: 20,
      problems: [],
      suggestions: [],
    }),
    'passphrase.generate': async () => ({ passphrase: 'one two three four five six', words: 6, bits: 77 }),
    'ceremony.report': async () => {
      throw new KeyriteError(
        'CEREMONY_NOT_FINISHED',
        'The ceremony has not finished.',
        'Finish the ceremony first.',
      );
    },
  };
  return { ...base, ...overrides };
}
