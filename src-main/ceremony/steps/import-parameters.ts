import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { parseWrappingPublicKey } from '../../../src-shared/wrap/wrapping-key.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { sha256Hex } from '../../../src-shared/digests.js';
import type { StepContext } from '../step-context.js';
import { fetchReplicaParams, isMultiRegion } from './multi-region.js';
import { formatReplicaKeys } from '../../../src-shared/ceremony/replica-keys.js';
import { refetchWaitingReplicas, rewrapping } from './replica-rewrap.js';

export async function runImportParameters(ctx: StepContext): Promise<FactsOf<'import-parameters'>> {
  const keyId = ctx.log.facts.keyId;
  if (!keyId) throw new Error('no key id before import-parameters');
  // The primary already took this ceremony's material: only the replicas still waiting get new ones.
  if (rewrapping(ctx.log)) return refetchWaitingReplicas(ctx);
  const { algorithm, keySpec } = ctx.log.plan.wrapping;
  const p = await ctx.journal.effect(
    'kms.get-parameters-for-import',
    `GetParametersForImport ${algorithm} ${keySpec}`,
    { keyId, algorithm, wrappingKeySpec: keySpec },
    () => ctx.kms.getParametersForImport(keyId, algorithm, keySpec),
    (r) => ({ importTokenDigest: sha256Hex(r.importToken), validTo: r.validTo.toISOString() }),
  );
  const wk = parseWrappingPublicKey(p.publicKey);
  if (wk.spec !== keySpec)
    throw new KeyriteError(
      'PARAMS_WRONG_SPEC',
      `KMS returned a ${wk.spec} wrapping key, the plan asked for ${keySpec}`,
      'fetch the import parameters again',
    );
  const importTokenDigest = await ctx.journal.writeFile(
    ctx.paths.importToken,
    'import/ImportToken.bin',
    p.importToken,
  );
  await ctx.journal.writeFile(ctx.paths.wrappingKey, 'import/WrappingPublicKey.der', wk.spkiDer);
  // The algorithm is bound to these parameters from here on: the wrap step uses the recorded one.
  ctx.journal.append('params.fetched', {
    keyArn: p.keyArn,
    algorithm,
    wrappingKeySpec: keySpec,
    wrappingKeyFingerprint: wk.fingerprintSha256,
    importTokenDigest,
    validTo: p.validTo.toISOString(),
  });
  // Multi-Region: each replica's own parameters; the ceremony must import before the first expires.
  const replicas = isMultiRegion(ctx) ? await fetchReplicaParams(ctx) : undefined;
  const earliest =
    replicas?.earliestValidTo && replicas.earliestValidTo < p.validTo ? replicas.earliestValidTo : p.validTo;
  return {
    algorithm,
    wrappingKeyFingerprint: wk.fingerprintSha256,
    wrappingKeyFingerprintWords: toWords(wk.fingerprintSha256),
    validTo: earliest.toISOString(),
    importTokenDigest,
    ...(replicas ? { replicaKeys: formatReplicaKeys(replicas.replicas) } : {}),
  };
}
