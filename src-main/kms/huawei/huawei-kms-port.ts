import { huaweiPrincipal } from '../../../src-shared/ceremony/providers.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import {
  HUAWEI_PLAN_ALGORITHMS,
  HUAWEI_WRAPPING_KEY_SPEC,
} from '../../../src-shared/ceremony/plan-huawei.js';
import type { KeyFacts, KmsPort } from '../kms-port.js';
import type { HuaweiKeyInfo, HuaweiKms, HuaweiWrappingAlgorithm } from './huawei-kms.js';

/**
 * The engine's KMS port over Huawei Cloud KMS v1.0, so the same steps run a Huawei ceremony. The
 * engine speaks AWS's vocabulary (it came first); this adapter translates, and says plainly where
 * Huawei has nothing to translate to:
 * - key names: Huawei has no ARN; the key's IAM resource URN `kms:<region>:<domain id>:KeyId:<key id>`
 *   takes the ARN's place in the log and on the hand-over.
 * - key spec AES_256 ↔ the wrap module's SYMMETRIC_DEFAULT (256-bit symmetric material); origin
 *   `external` ↔ EXTERNAL; key_state codes ↔ AWS's state names (the client maps those).
 * - caller identity: Huawei KMS has none; a signed list-keys accepted in the project proves the
 *   credentials work there, and the access key (shortened) names the caller.
 * - key policy, MAC, signing, public keys: none for an imported AES_256 key; refused with why.
 */
export interface HuaweiPortOptions {
  region: string;
  projectId: string;
  /** The access key id and where it came from, shown (shortened) as the caller. */
  accessKey: string;
  credentialSource: string;
  /** The endpoint override in force (the emulator, a proxy); absent for Huawei Cloud's own endpoint. */
  endpoint?: string | undefined;
}

export function huaweiKmsPort(kms: HuaweiKms, o: HuaweiPortOptions): KmsPort {
  const urn = (k: HuaweiKeyInfo): string => {
    if (!k.domainId || !/^[0-9a-f]{32}$/.test(k.domainId))
      throw new KeyriteError(
        'HUAWEI_BAD_RESPONSE',
        'describe-key: the answer has no valid domain_id',
        'check --endpoint: it must be Huawei KMS or the Keyrite emulator',
      );
    return `kms:${o.region}:${k.domainId}:KeyId:${k.keyId}`;
  };
  const facts = (k: HuaweiKeyInfo): KeyFacts => ({
    keyId: k.keyId,
    arn: urn(k),
    keyState: k.keyState,
    keySpec: k.keySpec === 'AES_256' ? 'SYMMETRIC_DEFAULT' : k.keySpec,
    origin: k.origin === 'external' ? 'EXTERNAL' : k.origin.toUpperCase(),
    ...(k.keyUsage ? { keyUsage: k.keyUsage } : {}),
    ...(k.materialExpires ? { validTo: k.materialExpires } : {}),
  });
  /** A key id from a key id or the URN this port hands out. */
  const idOf = (keyIdOrUrn: string): string => keyIdOrUrn.split(':KeyId:').at(-1) ?? keyIdOrUrn;

  return {
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    async callerIdentity() {
      await kms.listKeys();
      return {
        account: o.projectId,
        principal: `${huaweiPrincipal(o.accessKey)} (${o.credentialSource}); Huawei KMS has no caller-identity call: a signed list-keys was accepted in project ${o.projectId}`,
      };
    },
    async createKey(i) {
      if (i.keySpec !== 'SYMMETRIC_DEFAULT')
        throw unsupported(
          `${i.keySpec} keys`,
          'Huawei imports 256-bit symmetric material into AES_256 keys only',
        );
      if (!i.alias)
        throw new KeyriteError(
          'HUAWEI_ALIAS_REQUIRED',
          'Huawei create-key needs a key alias',
          'give target.key.create.alias in the plan',
        );
      return facts(await kms.createKey({ alias: i.alias, description: i.description, tags: i.tags }));
    },
    describeKey: async (keyId) => facts(await kms.describeKey(idOf(keyId))),
    async aliasTarget(alias) {
      // Huawei describe-key takes key ids only: look the alias up in the project's keys.
      let marker: string | undefined;
      do {
        const page = await kms.listKeys(marker);
        const hit = page.keys.find((k) => k.keyAlias === alias && k.keyState !== 'PendingDeletion');
        if (hit) return urn(hit);
        marker = page.nextMarker;
      } while (marker);
      return null;
    },
    createAlias: () =>
      Promise.reject(unsupported('a separate alias', 'Huawei names the key when it is created')),
    async getParametersForImport(keyId, algorithm, wrappingKeySpec) {
      if (!(HUAWEI_PLAN_ALGORITHMS as readonly string[]).includes(algorithm))
        throw unsupported(
          `wrapping algorithm ${algorithm}`,
          `use one of ${HUAWEI_PLAN_ALGORITHMS.join(', ')}`,
        );
      if (wrappingKeySpec !== HUAWEI_WRAPPING_KEY_SPEC)
        throw unsupported(
          `a ${wrappingKeySpec} wrapping key`,
          'Huawei hands out RSA_2048 wrapping keys only',
        );
      const id = idOf(keyId);
      const p = await kms.getParametersForImport(id, algorithm as HuaweiWrappingAlgorithm);
      return {
        keyArn: urn(await kms.describeKey(p.keyId)),
        // Huawei's token is base64 text that goes back unchanged: kept as those bytes.
        importToken: Buffer.from(p.importToken, 'utf8'),
        publicKey: p.publicKey,
        validTo: p.expiresAt,
      };
    },
    async importKeyMaterial(i) {
      await kms.importKeyMaterial({
        keyId: idOf(i.keyId),
        importToken: i.importToken.toString('utf8'),
        encryptedKeyMaterial: i.encryptedKeyMaterial,
        ...(i.expirationModel === 'KEY_MATERIAL_EXPIRES' && i.validTo ? { expiresAt: i.validTo } : {}),
      });
      // Huawei reports no id for imported material.
      return {};
    },
    // Huawei has no staged-material rotation, material listing or multi-region replicas for imported keys.
    rotateKeyOnDemand: () =>
      Promise.reject(
        unsupported('on-demand rotation of imported material', 'rotate by a new ceremony into a new key'),
      ),
    listKeyMaterials: () =>
      Promise.reject(
        unsupported('a list of key materials', 'describe-key shows the one material a key holds'),
      ),
    replicateKey: () =>
      Promise.reject(
        unsupported('multi-region replicas', 'import the same material into a key in each region'),
      ),
    // encrypt-data takes text: the probe travels as its base64 spelling, the ciphertext as Huawei's text.
    encrypt: async (keyId, plaintext) =>
      Buffer.from(await kms.encryptData(idOf(keyId), plaintext.toString('base64')), 'utf8'),
    decrypt: async (_keyId, ciphertext) =>
      Buffer.from(await kms.decryptData(ciphertext.toString('utf8')), 'base64'),
    generateMac: () =>
      Promise.reject(unsupported('MACs', 'an imported AES_256 key encrypts and decrypts only')),
    sign: () => Promise.reject(unsupported('signing', 'an imported AES_256 key encrypts and decrypts only')),
    getPublicKey: () => Promise.reject(unsupported('public keys', 'an imported AES_256 key has none')),
    getKeyPolicy: () => Promise.reject(noKeyPolicy()),
    putKeyPolicy: () => Promise.reject(noKeyPolicy()),
    close: () => kms.close(),
  };
}

/** The access key as the log names it: its first and last four characters. */

function unsupported(what: string, hint: string): KeyriteError {
  return new KeyriteError('HUAWEI_UNSUPPORTED', `Huawei Cloud KMS does not offer ${what} here`, hint);
}

function noKeyPolicy(): KeyriteError {
  return new KeyriteError(
    'HUAWEI_NO_KEY_POLICY',
    'Huawei Cloud KMS keys have no key policy to extend',
    'grant access with IAM (or KMS create-grant) after the ceremony; remove `grant` from the plan',
  );
}
