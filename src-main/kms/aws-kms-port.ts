import type { KeyMetadata } from '@aws-sdk/client-kms';
import { KeyriteError } from '../../src-shared/errors.js';
import type { KmsGateway } from './kms-gateway.js';
import type { KeyFacts, KeyMaterialFacts, KmsPort } from './kms-port.js';

function facts(m: KeyMetadata | undefined): KeyFacts {
  if (!m?.KeyId || !m.Arn)
    throw new KeyriteError(
      'KMS_INCOMPLETE_RESPONSE',
      'KMS returned key metadata without an id',
      'retry; check the endpoint',
    );
  return {
    keyId: m.KeyId,
    arn: m.Arn,
    keyState: m.KeyState ?? 'Unknown',
    keySpec: m.KeySpec ?? 'SYMMETRIC_DEFAULT',
    origin: m.Origin ?? 'Unknown',
    ...(m.KeyUsage ? { keyUsage: m.KeyUsage } : {}),
    ...(m.ExpirationModel ? { expirationModel: m.ExpirationModel } : {}),
    ...(m.ValidTo ? { validTo: m.ValidTo } : {}),
    ...(m.CurrentKeyMaterialId ? { keyMaterialId: m.CurrentKeyMaterialId } : {}),
    ...(m.MultiRegionConfiguration?.MultiRegionKeyType
      ? { multiRegionKeyType: m.MultiRegionConfiguration.MultiRegionKeyType }
      : {}),
    ...(m.MultiRegionConfiguration
      ? {
          replicas: (m.MultiRegionConfiguration.ReplicaKeys ?? []).flatMap((r) =>
            r.Region && r.Arn ? [{ region: r.Region, arn: r.Arn }] : [],
          ),
        }
      : {}),
  };
}

async function listKeyMaterials(g: KmsGateway, keyId: string): Promise<KeyMaterialFacts[]> {
  const out: KeyMaterialFacts[] = [];
  let marker: string | undefined;
  // Bounded: a key has at most 1 + 25 rotations + 1 pending material; 20 pages of 100 is plenty.
  for (let page = 0; page < 20; page++) {
    const r = await g.listKeyRotations({
      KeyId: keyId,
      IncludeKeyMaterial: 'ALL_KEY_MATERIAL',
      ...(marker ? { Marker: marker } : {}),
    });
    for (const e of r.Rotations ?? []) {
      if (!e.KeyMaterialId || !e.KeyMaterialState) continue;
      out.push({
        keyMaterialId: e.KeyMaterialId,
        state: e.KeyMaterialState,
        ...(e.ImportState ? { importState: e.ImportState } : {}),
        ...(e.ExpirationModel ? { expirationModel: e.ExpirationModel } : {}),
        ...(e.ValidTo ? { validTo: e.ValidTo } : {}),
        ...(e.KeyMaterialDescription ? { description: e.KeyMaterialDescription } : {}),
        ...(e.RotationDate ? { rotationDate: e.RotationDate } : {}),
        ...(e.RotationType ? { rotationType: e.RotationType } : {}),
      });
    }
    if (!r.Truncated || !r.NextMarker) return out;
    marker = r.NextMarker;
  }
  throw new KeyriteError(
    'KMS_TOO_MANY_MATERIALS',
    `ListKeyRotations for ${keyId} did not end after 20 pages`,
    'inspect the key with aws kms list-key-rotations',
  );
}

function bytes(b: Uint8Array | undefined, what: string): Buffer {
  if (!b)
    throw new KeyriteError('KMS_INCOMPLETE_RESPONSE', `KMS returned no ${what}`, 'retry; check the endpoint');
  return Buffer.from(b);
}

/** The engine's KMS port over the shared gateway (which already maps every failure to a KeyriteError). */
export function kmsPortFromGateway(g: KmsGateway): KmsPort {
  // Ports for a multi-Region key's other regions: made once each, closed with this one.
  const regional = new Map<string, KmsPort>();
  return {
    // The SDK also takes an endpoint from these variables; say so rather than claim AWS.
    endpoint: g.endpoint ?? process.env['AWS_ENDPOINT_URL_KMS'] ?? process.env['AWS_ENDPOINT_URL'],
    callerIdentity: () => g.callerIdentity(),
    async createKey(i) {
      const r = await g.createKey(
        {
          KeySpec: i.keySpec as never,
          KeyUsage: i.keyUsage as never,
          Origin: 'EXTERNAL',
          ...(i.multiRegion ? { MultiRegion: true } : {}),
          Description: i.description,
          Tags: Object.entries(i.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
        },
        { searchFirst: i.afterInterruptedRun === true },
      );
      return facts(r.KeyMetadata);
    },
    async describeKey(keyId) {
      return facts((await g.describeKey(keyId)).KeyMetadata);
    },
    async aliasTarget(alias) {
      try {
        return facts((await g.describeKey(alias)).KeyMetadata).arn;
      } catch (e) {
        if (e instanceof KeyriteError && e.code === 'KMS_NOT_FOUND') return null;
        throw e;
      }
    },
    createAlias: (alias, keyId) => g.createAlias({ AliasName: alias, TargetKeyId: keyId }),
    async getParametersForImport(keyId, algorithm, wrappingKeySpec) {
      const r = await g.getParametersForImport({
        KeyId: keyId,
        WrappingAlgorithm: algorithm as never,
        WrappingKeySpec: wrappingKeySpec as never,
      });
      if (!r.ParametersValidTo || !r.KeyId)
        throw new KeyriteError(
          'KMS_INCOMPLETE_RESPONSE',
          'KMS returned import parameters without a validity',
          'retry',
        );
      return {
        keyArn: r.KeyId,
        importToken: bytes(r.ImportToken, 'import token'),
        publicKey: bytes(r.PublicKey, 'wrapping key'),
        validTo: r.ParametersValidTo,
      };
    },
    async importKeyMaterial(i) {
      const r = await g.importKeyMaterial({
        KeyId: i.keyId,
        ImportToken: i.importToken,
        EncryptedKeyMaterial: i.encryptedKeyMaterial,
        ExpirationModel: i.expirationModel as never,
        ...(i.validTo ? { ValidTo: i.validTo } : {}),
        ...(i.importType ? { ImportType: i.importType } : {}),
        ...(i.keyMaterialId ? { KeyMaterialId: i.keyMaterialId } : {}),
        ...(i.keyMaterialDescription ? { KeyMaterialDescription: i.keyMaterialDescription } : {}),
      });
      return r.KeyMaterialId ? { keyMaterialId: r.KeyMaterialId } : {};
    },
    rotateKeyOnDemand: async (keyId) => void (await g.rotateKeyOnDemand(keyId)),
    listKeyMaterials: (keyId) => listKeyMaterials(g, keyId),
    async replicateKey(keyId, region, description) {
      return facts(
        (await g.replicateKey({ KeyId: keyId, ReplicaRegion: region, Description: description }))
          .ReplicaKeyMetadata,
      );
    },
    async encrypt(keyId, plaintext, algorithm) {
      const r = await g.encrypt({
        KeyId: keyId,
        Plaintext: plaintext,
        ...(algorithm ? { EncryptionAlgorithm: algorithm as never } : {}),
      });
      return bytes(r.CiphertextBlob, 'ciphertext');
    },
    async decrypt(keyId, ciphertext, algorithm) {
      const r = await g.decrypt({
        KeyId: keyId,
        CiphertextBlob: ciphertext,
        ...(algorithm ? { EncryptionAlgorithm: algorithm as never } : {}),
      });
      return bytes(r.Plaintext, 'plaintext');
    },
    async generateMac(keyId, message, macAlgorithm) {
      return bytes(
        (await g.generateMac({ KeyId: keyId, Message: message, MacAlgorithm: macAlgorithm as never })).Mac,
        'MAC',
      );
    },
    async sign(keyId, message, signingAlgorithm) {
      const r = await g.sign({
        KeyId: keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: signingAlgorithm as never,
      });
      return bytes(r.Signature, 'signature');
    },
    async getPublicKey(keyId) {
      return bytes((await g.getPublicKey(keyId)).PublicKey, 'public key');
    },
    async getKeyPolicy(keyId) {
      return (await g.getKeyPolicy(keyId)).Policy ?? '{}';
    },
    putKeyPolicy: (keyId, policy) => g.putKeyPolicy({ KeyId: keyId, Policy: policy }),
    inRegion(region) {
      if (region === g.region) return this;
      let port = regional.get(region);
      if (!port) {
        port = kmsPortFromGateway(g.inRegion(region));
        regional.set(region, port);
      }
      return port;
    },
    close() {
      for (const port of regional.values()) port.close();
      regional.clear();
      g.close();
    },
  };
}
