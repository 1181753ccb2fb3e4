import { constants, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import { keySpecFacts } from '../../../src-shared/wrap/specs.js';
import { macProbeMessage } from '../../secrets/material-source.js';
import type { StepContext } from '../step-context.js';
import { keyIdOf, keyMaterialIdFact } from './kms-lookups.js';
import { isRotation, materialOf, verifyStaged } from './rotation.js';
import { isMultiRegion } from './multi-region.js';
import { verifyReplicas } from './multi-region-import.js';
import { verifyReplicasStaged } from './multi-region-rotation.js';

/**
 * Proves KMS holds the material this ceremony generated, from facts recorded at generation (so it
 * works after a crash, with the material long gone):
 * - HMAC: KMS's MAC of a ceremony-specific message hashes to the recorded fingerprint.
 * - RSA/ECC: KMS's public key is the one derived from the generated private key, and a KMS signature
 *   (or a KMS decryption of a locally encrypted message) verifies under it.
 * - Symmetric: KMS offers no way to compute a KCV, and its ciphertext format is not a public AES
 *   construction, so the check is weaker: the key is Enabled with EXTERNAL origin and material, and an
 *   Encrypt/Decrypt round trip works. The KCV recorded at generation is what the hand-over carries.
 */
export async function runVerify(ctx: StepContext): Promise<FactsOf<'verify'>> {
  const keyId = keyIdOf(ctx);
  const f = ctx.log.facts;
  const k = await ctx.kms.describeKey(keyId);
  if (k.keyState !== 'Enabled' || k.origin !== 'EXTERNAL')
    throw new KeyriteError(
      'VERIFY_KEY_STATE',
      `key ${k.arn} is ${k.keyState} (origin ${k.origin}) after import`,
      'the import did not take effect; investigate before using the key',
    );
  if (isRotation(ctx)) {
    const staged = await verifyStaged(ctx, k);
    if (!isMultiRegion(ctx) || !staged.keyMaterialId || !f.priorKeyMaterialId) return staged;
    const replicas = await verifyReplicasStaged(ctx, staged.keyMaterialId, f.priorKeyMaterialId);
    return { ...staged, note: `${staged.note}; ${replicas}` };
  }
  if (k.expirationModel && k.expirationModel !== ctx.log.plan.expiration.model)
    throw new KeyriteError(
      'VERIFY_EXPIRATION',
      `key ${k.arn} has expiration model ${k.expirationModel}`,
      'the import used other options than the plan',
    );
  const spec = keySpecFacts(ctx.log.spec);
  let check: string;
  switch (spec.kind) {
    case 'symmetric': {
      const probe = randomBytes(32);
      const ct = await ctx.kms.encrypt(keyId, probe);
      const back = await ctx.kms.decrypt(keyId, ct);
      if (!back.equals(probe))
        throw verifyFailed(k.arn, 'the Encrypt/Decrypt round trip did not return the message');
      check = `Encrypt/Decrypt round trip${k.keyMaterialId ? ', current key material id reported' : ''} (symmetric: KMS cannot show a KCV)`;
      break;
    }
    case 'hmac': {
      const mac = await ctx.kms.generateMac(keyId, macProbeMessage(ctx.log.ceremonyId), spec.macAlgorithm);
      if (sha256Hex(mac) !== f.macFingerprint)
        throw verifyFailed(k.arn, 'KMS computes a different MAC than the generated key');
      check = 'GenerateMac matches the MAC computed at generation';
      break;
    }
    case 'rsa':
    case 'ecc': {
      const spki = await ctx.kms.getPublicKey(keyId);
      if (sha256Hex(spki) !== f.publicKeyFingerprint)
        throw verifyFailed(k.arn, 'KMS holds a different public key than the generated private key');
      const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      const usage = f.keyUsage || 'ENCRYPT_DECRYPT';
      if (spec.kind === 'rsa' && usage === 'ENCRYPT_DECRYPT') {
        const probe = randomBytes(32);
        const ct = publicEncrypt(
          { key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          probe,
        );
        const back = await ctx.kms.decrypt(keyId, ct, 'RSAES_OAEP_SHA_256');
        if (!back.equals(probe))
          throw verifyFailed(k.arn, 'KMS could not decrypt a message encrypted to its public key');
        check = 'public key matches; KMS decrypts under the private key';
      } else {
        const msg = Buffer.from(`keyrite/verify/v1/${ctx.log.ceremonyId}`);
        const [alg, hash] =
          spec.kind === 'ecc' ? [spec.ecdsaAlgorithm, spec.hash] : ['RSASSA_PKCS1_V1_5_SHA_256', 'sha256'];
        const sig = await ctx.kms.sign(keyId, msg, alg);
        if (!verify(hash, msg, pub, sig))
          throw verifyFailed(k.arn, 'a KMS signature does not verify under the generated public key');
        check = 'public key matches; a KMS signature verifies';
      }
      break;
    }
  }
  const reimported = ctx.log.stepFacts('preflight')?.keyMaterialId;
  if (reimported !== undefined) {
    // KMS takes EXISTING_KEY_MATERIAL under an id only for the very bytes it knows by that id.
    const m = await materialOf(ctx, keyId, reimported);
    if (!m || m.importState === 'PENDING_IMPORT')
      throw verifyFailed(k.arn, `KMS still lists material ${reimported} as ${m ? 'missing' : 'unknown'}`);
    check += `; material ${reimported.slice(0, 12)}… restored (${m.state}), accepted by KMS under its id`;
  }
  const materialId = keyMaterialIdFact(reimported ?? f.keyMaterialId ?? k.keyMaterialId);
  if (isMultiRegion(ctx)) check += `; ${await verifyReplicas(ctx, materialId.keyMaterialId)}`;
  ctx.journal.append('kms.verified', { keyArn: k.arn, keyState: k.keyState, check, ...materialId });
  return { keyArn: k.arn, note: check, keyState: k.keyState, ...materialId };
}

function verifyFailed(arn: string, why: string): KeyriteError {
  return new KeyriteError(
    'VERIFY_FAILED',
    `verification of ${arn} failed: ${why}`,
    'do not use this key; keep the audit log and investigate',
  );
}
