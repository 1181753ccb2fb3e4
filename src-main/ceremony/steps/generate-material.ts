import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import type { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { checkValue } from '../../../src-shared/wrap/check-value.js';
import { validateMaterial } from '../../../src-shared/wrap/material.js';
import { isHmacSpec, materialKind } from '../../../src-shared/wrap/specs.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { combineShares } from '../../secrets/backup-shares.js';
import { csprngMaterial, macProbeFingerprint, rawMaterialLength } from '../../secrets/material-source.js';
import { combineComponents } from '../../secrets/split-knowledge.js';
import { readSecretFile } from '../../media/secret-file.js';
import type { StepContext } from '../step-context.js';
import { assertSameMaterial, rewrapFromOwnShares, rewrapImpossible } from './replica-rewrap.js';

function assertParamsFresh(ctx: StepContext): void {
  const validTo = ctx.log.facts.validTo;
  // Refuse before any secret exists: material made for expired parameters could never be imported.
  if (validTo && Date.parse(validTo) <= ctx.settings.clock().getTime())
    throw new KeyriteError(
      'PARAMS_EXPIRED',
      `the import parameters expired at ${validTo}`,
      'the ceremony will fetch new import parameters; reopen it',
    );
}

async function produceMaterial(ctx: StepContext): Promise<SecretBuffer> {
  const mode = ctx.log.plan.material;
  const impossible = rewrapImpossible(ctx.log);
  if (impossible) throw impossible;
  if (rewrapFromOwnShares(ctx.log)) {
    if (ctx.secrets.shareSource && ctx.secrets.shareSource.ceremonyId !== ctx.log.ceremonyId)
      throw new KeyriteError(
        'SHARES_INCONSISTENT',
        `the opened shares belong to ceremony ${ctx.secrets.shareSource.ceremonyId}, not this one`,
        "open this ceremony's own backup shares (in its shares/ folder)",
      );
    return fromOpenedShares(ctx);
  }
  switch (mode.mode) {
    case 'csprng':
      return (ctx.settings.materialSource ?? csprngMaterial)(ctx.log.spec);
    case 'split-knowledge': {
      const length = rawMaterialLength(ctx.log.spec);
      const source = ctx.settings.componentSource;
      if (length === null || !source)
        throw new KeyriteError(
          'SPLIT_KNOWLEDGE_UNAVAILABLE',
          'no way to collect split-knowledge components here',
          'run this ceremony from a front end that collects components',
        );
      const parts: SecretBuffer[] = [];
      try {
        for (const c of ctx.log.plan.participants.custodians) {
          const part = await source(c.id, length);
          parts.push(part);
          if (part.length !== length)
            throw new KeyriteError(
              'SPLIT_KNOWLEDGE_LENGTH',
              `custodian ${c.id}'s component is ${part.length} bytes, not ${length}`,
              `enter exactly ${length} bytes`,
            );
          // Each custodian sees their own component's KCV, and only theirs; it is not logged.
          ctx.settings.privateNotice?.(c.id, `component check value ${checkValue(part, ctx.log.spec).value}`);
        }
      } catch (e) {
        for (const p of parts) p.dispose();
        throw e;
      }
      return combineComponents(parts);
    }
    case 'existing-file': {
      const file = path.resolve(ctx.planBase, mode.file);
      // Regular files only (a FIFO would hang the step), bounded in size, read straight into custody.
      return readSecretFile(file);
    }
    case 'existing-shares':
      return fromOpenedShares(ctx);
  }
}

/**
 * The material rebuilt from the backup shares custodians opened (an earlier ceremony's, or — wrapping
 * the same material again for a replica — this ceremony's own).
 */
async function fromOpenedShares(ctx: StepContext): Promise<SecretBuffer> {
  const source = ctx.secrets.shareSource;
  const needed = Math.max(ctx.log.plan.quorum.m, source?.threshold ?? 0);
  try {
    if (!source || ctx.secrets.sharesOpened < needed)
      throw new KeyriteError(
        'SHARES_QUORUM_NOT_MET',
        `reconstitution needs ${needed} opened shares, has ${ctx.secrets.sharesOpened}`,
        'more custodians must open their backup share',
      );
    const material = await combineShares(ctx.secrets.openedShares());
    // The shares carry the check value of the key they were made from; the rebuilt key must have it.
    if (checkValue(material, ctx.log.spec).value !== source.materialKcv) {
      material.dispose();
      throw new KeyriteError(
        'SHARES_WRONG_MATERIAL',
        "the key rebuilt from the shares does not have the backup's check value",
        'open shares of one backup, from its own custodians, and retry',
      );
    }
    return material;
  } finally {
    // Spent once the material is rebuilt (or cannot be): too few shares stay for more to be opened.
    if (ctx.secrets.sharesOpened >= needed || !source) ctx.secrets.disposeShares();
  }
}

export async function runGenerateMaterial(ctx: StepContext): Promise<FactsOf<'generate-material'>> {
  assertParamsFresh(ctx);
  ctx.secrets.disposeMaterial();
  const material = await produceMaterial(ctx);
  try {
    validateMaterial(material, ctx.log.spec);
    const cv = checkValue(material, ctx.log.spec);
    assertSameMaterial(ctx, cv.value);
    const facts: FactsOf<'generate-material'> = { materialMode: ctx.log.plan.material.mode };
    const kind = materialKind(ctx.log.spec);
    if (kind === 'symmetric' || kind === 'hmac') {
      facts.kcv = cv.value;
      facts.kcvWords = toWords(cv.value.toLowerCase());
      ctx.journal.append('material.kcv', {
        kcv: cv.value,
        scope: ctx.log.plan.material.mode === 'split-knowledge' ? 'combined' : 'material',
        method: cv.kind,
      });
    }
    if (isHmacSpec(ctx.log.spec))
      facts.macFingerprint = macProbeFingerprint(material, ctx.log.spec, ctx.log.ceremonyId);
    if (kind === 'rsa' || kind === 'ecc') {
      facts.publicKeyFingerprint = cv.value;
      facts.note = `public key SHA-256 ${cv.value}`;
      ctx.journal.append('material.public-key', { publicKeyFingerprint: cv.value, method: cv.kind });
    }
    ctx.secrets.holdMaterial(material);
    return facts;
  } catch (e) {
    material.dispose();
    throw e;
  }
}
