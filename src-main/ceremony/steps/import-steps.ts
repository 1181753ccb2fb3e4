import { constants, createHash, createPublicKey, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { materialKind } from '../../../src-shared/wrap/index.js';
import { macProbeMessage } from '../../secrets/material-source.js';
import type { Runtime } from '../runtime.js';
import { fileMatches } from './material-steps.js';

function keyIdOf(rt: Runtime): string {
  const id = rt.facts().keyId;
  if (!id) throw new Error('no key id recorded');
  return id;
}

export async function runImport(rt: Runtime): Promise<FactsOf<'import'>> {
  const keyId = keyIdOf(rt);
  const f = rt.facts();
  if (f.validTo && Date.parse(f.validTo) <= rt.opts.clock().getTime())
    throw new KeyriteError(
      'PARAMS_EXPIRED',
      `the import parameters expired at ${f.validTo}`,
      'reopen the ceremony: it restarts from fresh import parameters',
    );
  // Only the blob this ceremony wrapped, byte for byte: a changed file is never imported.
  if (
    !fileMatches(rt.paths.wrapped, f.wrappedKeyDigest) ||
    !fileMatches(rt.paths.importToken, f.importTokenDigest) ||
    !f.wrappedKeyDigest ||
    !f.importTokenDigest
  )
    throw new KeyriteError(
      'IMPORT_FILES_CHANGED',
      'the wrapped material or import token on disk is not what this ceremony wrote',
      'do not import; reopen the ceremony so it can account for the files',
    );
  const before = await rt.kms.describeKey(keyId);
  if (before.keyState !== 'PendingImport')
    throw new KeyriteError(
      'IMPORT_KEY_NOT_PENDING',
      `key ${before.arn} is ${before.keyState}, not PendingImport`,
      'someone changed the key during the ceremony; stop and investigate',
    );
  const exp = rt.plan.expiration;
  const validTo = exp.model === 'KEY_MATERIAL_EXPIRES' ? new Date(exp.validTo) : undefined;
  // KeyMaterialId (64 hex) is public (DescribeKey shows it to anyone who asks KMS); the secret guard
  // knows the field name, so it is logged in the outcome and the step's facts.
  const imported = await rt.journal.effect(
    'kms.import-key-material',
    `ImportKeyMaterial ${exp.model}`,
    {
      keyArn: before.arn,
      wrappedKeyDigest: f.wrappedKeyDigest,
      importTokenDigest: f.importTokenDigest,
      expirationModel: exp.model,
    },
    () =>
      rt.kms.importKeyMaterial({
        keyId,
        importToken: readFileSync(rt.paths.importToken),
        encryptedKeyMaterial: readFileSync(rt.paths.wrapped),
        expirationModel: exp.model,
        ...(validTo ? { validTo } : {}),
      }),
    (r) => keyMaterialIdFact(r.keyMaterialId),
  );
  return { keyArn: before.arn, ...keyMaterialIdFact(imported.keyMaterialId) };
}

/** KMS's KeyMaterialId as a loggable fact, or nothing when KMS gave none in the documented shape. */
function keyMaterialIdFact(id: string | undefined): { keyMaterialId?: string } {
  return id !== undefined && /^[0-9a-f]{64}$/.test(id) ? { keyMaterialId: id } : {};
}

const ECDSA_ALG: Record<string, [string, string]> = {
  ECC_NIST_P256: ['ECDSA_SHA_256', 'sha256'],
  ECC_NIST_P384: ['ECDSA_SHA_384', 'sha384'],
  ECC_NIST_P521: ['ECDSA_SHA_512', 'sha512'],
  ECC_SECG_P256K1: ['ECDSA_SHA_256', 'sha256'],
};

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
export async function runVerify(rt: Runtime): Promise<FactsOf<'verify'>> {
  const keyId = keyIdOf(rt);
  const f = rt.facts();
  const k = await rt.kms.describeKey(keyId);
  if (k.keyState !== 'Enabled' || k.origin !== 'EXTERNAL')
    throw new KeyriteError(
      'VERIFY_KEY_STATE',
      `key ${k.arn} is ${k.keyState} (origin ${k.origin}) after import`,
      'the import did not take effect; investigate before using the key',
    );
  if (k.expirationModel && k.expirationModel !== rt.plan.expiration.model)
    throw new KeyriteError(
      'VERIFY_EXPIRATION',
      `key ${k.arn} has expiration model ${k.expirationModel}`,
      'the import used other options than the plan',
    );
  const kind = materialKind(rt.spec);
  let check: string;
  switch (kind) {
    case 'symmetric': {
      const probe = randomBytes(32);
      const ct = await rt.kms.encrypt(keyId, probe);
      const back = await rt.kms.decrypt(keyId, ct);
      if (!back.equals(probe))
        throw verifyFailed(k.arn, 'the Encrypt/Decrypt round trip did not return the message');
      check = `Encrypt/Decrypt round trip${k.keyMaterialId ? ', current key material id reported' : ''} (symmetric: KMS cannot show a KCV)`;
      break;
    }
    case 'hmac': {
      const alg = `HMAC_SHA_${rt.spec.slice(5)}`;
      const mac = await rt.kms.generateMac(keyId, macProbeMessage(rt.ceremonyId), alg);
      if (createHash('sha256').update(mac).digest('hex') !== f.macFingerprint)
        throw verifyFailed(k.arn, 'KMS computes a different MAC than the generated key');
      check = 'GenerateMac matches the MAC computed at generation';
      break;
    }
    case 'rsa':
    case 'ecc': {
      const spki = await rt.kms.getPublicKey(keyId);
      if (createHash('sha256').update(spki).digest('hex') !== f.publicKeyFingerprint)
        throw verifyFailed(k.arn, 'KMS holds a different public key than the generated private key');
      const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
      const usage = f.keyUsage || 'ENCRYPT_DECRYPT';
      if (kind === 'rsa' && usage === 'ENCRYPT_DECRYPT') {
        const probe = randomBytes(32);
        const ct = publicEncrypt(
          { key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          probe,
        );
        const back = await rt.kms.decrypt(keyId, ct, 'RSAES_OAEP_SHA_256');
        if (!back.equals(probe))
          throw verifyFailed(k.arn, 'KMS could not decrypt a message encrypted to its public key');
        check = 'public key matches; KMS decrypts under the private key';
      } else {
        const msg = Buffer.from(`keyrite/verify/v1/${rt.ceremonyId}`);
        const [alg, hash] =
          kind === 'rsa'
            ? ['RSASSA_PKCS1_V1_5_SHA_256', 'sha256']
            : (ECDSA_ALG[rt.spec] ?? ['ECDSA_SHA_256', 'sha256']);
        const sig = await rt.kms.sign(keyId, msg, alg);
        if (!verify(hash, msg, pub, sig))
          throw verifyFailed(k.arn, 'a KMS signature does not verify under the generated public key');
        check = 'public key matches; a KMS signature verifies';
      }
      break;
    }
  }
  const materialId = keyMaterialIdFact(k.keyMaterialId);
  rt.journal.append('kms.verified', { keyArn: k.arn, keyState: k.keyState, check, ...materialId });
  return { keyArn: k.arn, note: check, keyState: k.keyState, ...materialId };
}

function verifyFailed(arn: string, why: string): KeyriteError {
  return new KeyriteError(
    'VERIFY_FAILED',
    `verification of ${arn} failed: ${why}`,
    'do not use this key; keep the audit log and investigate',
  );
}

/** The statement id this ceremony uses for a grant; recovery looks for it in the key policy. */
export function grantSid(accountId: string): string {
  return `KeyriteGrant${accountId}`;
}

const DEFAULT_GRANT_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

export async function runGrant(rt: Runtime): Promise<FactsOf<'grant'>> {
  const grant = rt.plan.grant;
  if (!grant) throw new Error('grant step without a grant');
  const keyId = keyIdOf(rt);
  const sid = grantSid(grant.accountId);
  const current = JSON.parse(await rt.kms.getKeyPolicy(keyId)) as {
    Version?: string;
    Statement?: Array<Record<string, unknown>>;
  };
  const statements = (current.Statement ?? []).filter((s) => s['Sid'] !== sid);
  statements.push({
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${grant.accountId}:root` },
    Action: grant.actions ?? DEFAULT_GRANT_ACTIONS,
    Resource: '*',
  });
  const policy = JSON.stringify({ Version: current.Version ?? '2012-10-17', Statement: statements }, null, 2);
  await rt.journal.effect(
    'kms.put-key-policy',
    `PutKeyPolicy granting ${grant.accountId}`,
    { grantee: grant.accountId },
    () => rt.kms.putKeyPolicy(keyId, policy),
    () => ({}),
  );
  return { note: `account ${grant.accountId} granted ${(grant.actions ?? DEFAULT_GRANT_ACTIONS).join(' ')}` };
}

export async function runHandover(rt: Runtime): Promise<FactsOf<'handover'>> {
  const f = rt.facts();
  const lines = [
    'Keyrite key hand-over sheet',
    '',
    `ceremony:      ${rt.ceremonyId}`,
    `plan digest:   ${rt.planDigest}`,
    `key ARN:       ${f.keyArn ?? ''}`,
    `region:        ${rt.plan.target.region}`,
    `key spec:      ${rt.spec}`,
    `key state:     ${f.keyState ?? ''}`,
    f.kcv
      ? `KCV:           ${f.kcv} (${f.kcvWords ?? ''})`
      : `public key:    SHA-256 ${f.publicKeyFingerprint ?? ''}`,
    `expiration:    ${rt.plan.expiration.model}${rt.plan.expiration.model === 'KEY_MATERIAL_EXPIRES' ? ' ' + rt.plan.expiration.validTo : ''}`,
    ...(rt.plan.grant ? [`granted to:    account ${rt.plan.grant.accountId}`] : []),
    '',
  ];
  const digest = await rt.journal.writeFile(rt.paths.handover, 'handover.txt', lines.join('\n'));
  return { note: `hand-over sheet written (sha256 ${digest.slice(0, 16)}…)` };
}
