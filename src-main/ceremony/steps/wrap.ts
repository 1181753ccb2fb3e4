import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { parseWrappingPublicKey } from '../../../src-shared/wrap/wrapping-key.js';
import { wrapKeyMaterial } from '../../../src-shared/wrap/wrap.js';
import type { StepContext } from '../step-context.js';
import { writeOutputs } from '../outputs.js';
import { isMultiRegion, wrapForReplicas } from './multi-region.js';
import { formatReplicaKeys } from '../../../src-shared/ceremony/replica-keys.js';

export async function runWrap(ctx: StepContext): Promise<FactsOf<'wrap'>> {
  const material = ctx.secrets.requireMaterial();
  try {
    const expected = ctx.log.facts.wrappingKeyFingerprint;
    const wk = parseWrappingPublicKey(readFileSync(ctx.paths.wrappingKey));
    if (wk.fingerprintSha256 !== expected)
      throw new KeyriteError(
        'WRAPPING_KEY_CHANGED',
        'the wrapping key on disk is not the one fetched',
        'reopen the ceremony to fetch import parameters again',
      );
    const { wrapped, warnings } = wrapKeyMaterial({
      material,
      spec: ctx.log.spec,
      algorithm: ctx.log.plan.wrapping.algorithm,
      wrappingKey: wk,
    });
    for (const w of warnings) ctx.progress('warning', w);
    const wrappedKeyDigest = await ctx.journal.writeFile(
      ctx.paths.wrapped,
      'import/EncryptedKeyMaterial.bin',
      wrapped,
    );
    ctx.journal.append('wrap.done', {
      algorithm: ctx.log.plan.wrapping.algorithm,
      wrappingKeyFingerprint: wk.fingerprintSha256,
      wrappedKeyDigest,
    });
    // Multi-Region: once more for each replica, under the wrapping key fetched in its region.
    const replicas = isMultiRegion(ctx) ? await wrapForReplicas(ctx, material) : undefined;
    // The same material for the plan's other clouds, while it is still in hand.
    await writeOutputs(ctx, material);
    return {
      algorithm: ctx.log.plan.wrapping.algorithm,
      wrappedKeyDigest,
      ...(replicas ? { replicaKeys: formatReplicaKeys(replicas) } : {}),
    };
  } finally {
    // The wrapped blob on disk is all the import needs: the plaintext leaves memory now.
    ctx.secrets.disposeMaterial();
  }
}
