import { KeyriteError } from '../../src-shared/errors.js';
import type { KmsPort } from './kms-port.js';

function refuse(): never {
  throw new KeyriteError(
    'OFFLINE_NO_KMS',
    'the offline station has no KMS and no network',
    'this step runs on the online station; carry the bundle across',
  );
}

/**
 * The KMS port of an offline station: no client, no credentials, no endpoint — every call is refused.
 * The offline composition (src-main/airgap/offline-station.ts) passes this and imports nothing that
 * could build a real client (lint rule and test: test/integration/airgap/offline-no-network.test.ts).
 */
export const OFFLINE_KMS_PORT: KmsPort = {
  callerIdentity: refuse,
  createKey: refuse,
  describeKey: refuse,
  createAlias: refuse,
  aliasTarget: refuse,
  getParametersForImport: refuse,
  importKeyMaterial: refuse,
  encrypt: refuse,
  decrypt: refuse,
  generateMac: refuse,
  sign: refuse,
  getPublicKey: refuse,
  getKeyPolicy: refuse,
  putKeyPolicy: refuse,
  rotateKeyOnDemand: refuse,
  listKeyMaterials: refuse,
  replicateKey: refuse,
  close: () => undefined,
};
