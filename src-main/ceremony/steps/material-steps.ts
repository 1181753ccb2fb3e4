import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import {
  checkValue,
  materialKind,
  parseWrappingPublicKey,
  validateMaterial,
  wrapKeyMaterial,
} from '../../../src-shared/wrap/index.js';
import type { HmacSpec } from '../../../src-shared/wrap/specs.js';
import { combineShares, createSealedShares, type SealedShareFile } from '../../secrets/backup-shares.js';
import { csprngMaterial, macProbeFingerprint, rawMaterialLength } from '../../secrets/material-source.js';
import { combineComponents } from '../../secrets/split-knowledge.js';
import { sha256OfFile } from '../../media/atomic-file.js';
import { readSecretFile } from '../../media/secret-file.js';
import type { Runtime } from '../runtime.js';
import { words } from './setup-steps.js';

/** A share file as written: the sealed share plus its holder's sealed keys, so it opens on its own. */
export interface ShareFileOnDisk extends SealedShareFile {
  holder: { signingPublicKey: string; sharePublicKey: string; sealedKeys: unknown };
}

function assertParamsFresh(rt: Runtime): void {
  const validTo = rt.facts().validTo;
  // Refuse before any secret exists: material made for expired parameters could never be imported.
  if (validTo && Date.parse(validTo) <= rt.opts.clock().getTime())
    throw new KeyriteError(
      'PARAMS_EXPIRED',
      `the import parameters expired at ${validTo}`,
      'the ceremony will fetch new import parameters; reopen it',
    );
}

async function produceMaterial(rt: Runtime): Promise<SecretBuffer> {
  const mode = rt.plan.material;
  switch (mode.mode) {
    case 'csprng':
      return (rt.opts.materialSource ?? csprngMaterial)(rt.spec);
    case 'split-knowledge': {
      const length = rawMaterialLength(rt.spec);
      const source = rt.opts.componentSource;
      if (length === null || !source)
        throw new KeyriteError(
          'SPLIT_KNOWLEDGE_UNAVAILABLE',
          'no way to collect split-knowledge components here',
          'run this ceremony from a front end that collects components',
        );
      const parts: SecretBuffer[] = [];
      try {
        for (const c of rt.plan.participants.custodians) {
          const part = await source(c.id, length);
          parts.push(part);
          if (part.length !== length)
            throw new KeyriteError(
              'SPLIT_KNOWLEDGE_LENGTH',
              `custodian ${c.id}'s component is ${part.length} bytes, not ${length}`,
              `enter exactly ${length} bytes`,
            );
          // Each custodian sees their own component's KCV, and only theirs; it is not logged.
          rt.opts.privateNotice?.(c.id, `component check value ${checkValue(part, rt.spec).value}`);
        }
      } catch (e) {
        for (const p of parts) p.dispose();
        throw e;
      }
      return combineComponents(parts);
    }
    case 'existing-file': {
      const file = path.resolve(rt.planBase, mode.file);
      // Regular files only (a FIFO would hang the step), bounded in size, read straight into custody.
      return readSecretFile(file);
    }
    case 'existing-shares': {
      const source = rt.pendingShareSource;
      const needed = Math.max(rt.plan.quorum.m, source?.threshold ?? 0);
      try {
        if (!source || rt.pendingShares.size < needed)
          throw new KeyriteError(
            'SHARES_QUORUM_NOT_MET',
            `reconstitution needs ${needed} opened shares, has ${rt.pendingShares.size}`,
            'more custodians must open their backup share',
          );
        const material = await combineShares([...rt.pendingShares.values()]);
        // The shares carry the check value of the key they were made from; the rebuilt key must have it.
        if (checkValue(material, rt.spec).value !== source.materialKcv) {
          material.dispose();
          throw new KeyriteError(
            'SHARES_WRONG_MATERIAL',
            "the key rebuilt from the shares does not have the backup's check value",
            'open shares of one backup, from its own custodians, and retry',
          );
        }
        return material;
      } finally {
        if (rt.pendingShares.size >= needed || !source) {
          for (const s of rt.pendingShares.values()) s.dispose();
          rt.pendingShares.clear();
          rt.pendingShareSource = null;
        }
      }
    }
  }
}

export async function runGenerateMaterial(rt: Runtime): Promise<FactsOf<'generate-material'>> {
  assertParamsFresh(rt);
  rt.material?.dispose();
  rt.material = null;
  const material = await produceMaterial(rt);
  try {
    validateMaterial(material, rt.spec);
    const cv = checkValue(material, rt.spec);
    const facts: FactsOf<'generate-material'> = { materialMode: rt.plan.material.mode };
    const kind = materialKind(rt.spec);
    if (kind === 'symmetric' || kind === 'hmac') {
      facts.kcv = cv.value;
      facts.kcvWords = words(cv.value.toLowerCase());
      rt.journal.append('material.kcv', {
        kcv: cv.value,
        scope: rt.plan.material.mode === 'split-knowledge' ? 'combined' : 'material',
        method: cv.kind,
      });
    }
    if (kind === 'hmac')
      facts.macFingerprint = macProbeFingerprint(material, rt.spec as HmacSpec, rt.ceremonyId);
    if (kind === 'rsa' || kind === 'ecc') {
      facts.publicKeyFingerprint = cv.value;
      facts.note = `public key SHA-256 ${cv.value}`;
      rt.journal.append('material.public-key', { publicKeyFingerprint: cv.value, method: cv.kind });
    }
    rt.material = material;
    return facts;
  } catch (e) {
    material.dispose();
    throw e;
  }
}

function requireMaterial(rt: Runtime): SecretBuffer {
  if (!rt.material || rt.material.disposed)
    throw new KeyriteError(
      'MATERIAL_NOT_IN_MEMORY',
      'the key material is no longer in memory',
      'reopen the ceremony: it will account for the loss and regenerate while the key is still pending import',
    );
  return rt.material;
}

export async function runBackupShares(rt: Runtime): Promise<FactsOf<'backup-shares'>> {
  const material = requireMaterial(rt);
  const kcv = rt.facts().kcv ?? rt.facts().publicKeyFingerprint ?? '';
  const custodians = rt.plan.participants.custodians;
  const recipients = custodians.map((c) => {
    const e = rt.enrollments.get(c.id);
    if (!e) throw new Error(`custodian ${c.id} not enrolled`);
    return { custodianId: c.id, sharePublicKey: e.sharePublicKey };
  });
  const files = await createSealedShares(rt.ceremonyId, material, kcv, recipients, rt.plan.quorum.m);
  const commitments: { holder: string; digest: string; fileDigest: string }[] = [];
  for (const f of files) {
    const e = rt.enrollments.get(f.custodianId);
    if (!e) throw new Error('unreachable');
    const onDisk: ShareFileOnDisk = {
      ...f,
      holder: {
        signingPublicKey: e.signingPublicKey,
        sharePublicKey: e.sharePublicKey,
        sealedKeys: e.sealedKeys,
      },
    };
    const fileDigest = await rt.journal.writeFile(
      rt.paths.share(f.custodianId),
      `shares/${f.custodianId}.share.json`,
      JSON.stringify(onDisk, null, 2) + '\n',
    );
    commitments.push({ holder: f.custodianId, digest: f.commitment, fileDigest });
  }
  rt.journal.append('backup.created', { threshold: rt.plan.quorum.m, total: files.length, commitments });
  rt.shareVerified.clear();
  return { note: `${files.length} sealed shares, any ${rt.plan.quorum.m} rebuild the key` };
}

/** The commitments recorded when the current shares were made (the last backup.created record). */
export function recordedCommitments(rt: Runtime): Map<string, string> {
  const last = rt.journal.records('backup.created').at(-1);
  return new Map((last?.payload.commitments ?? []).map((c) => [c.holder, c.digest]));
}

export async function runVerifyShares(rt: Runtime): Promise<FactsOf<'verify-shares'>> {
  const missing = rt.plan.participants.custodians.filter((c) => !rt.shareVerified.has(c.id));
  if (missing.length > 0)
    throw new KeyriteError(
      'SHARES_NOT_VERIFIED',
      `${missing.length} share(s) not yet verified: ${missing.map((c) => c.id).join(', ')}`,
      'each custodian opens their own share with their passphrase',
    );
  return { note: `all ${rt.shareVerified.size} shares open and match their commitments` };
}

export async function runWrap(rt: Runtime): Promise<FactsOf<'wrap'>> {
  const material = requireMaterial(rt);
  try {
    const expected = rt.facts().wrappingKeyFingerprint;
    const wk = parseWrappingPublicKey(readFileSync(rt.paths.wrappingKey));
    if (wk.fingerprintSha256 !== expected)
      throw new KeyriteError(
        'WRAPPING_KEY_CHANGED',
        'the wrapping key on disk is not the one fetched',
        'reopen the ceremony to fetch import parameters again',
      );
    const { wrapped, warnings } = wrapKeyMaterial({
      material,
      spec: rt.spec,
      algorithm: rt.plan.wrapping.algorithm,
      wrappingKey: wk,
    });
    for (const w of warnings) rt.progress('wrap', 'warning', w);
    const wrappedKeyDigest = await rt.journal.writeFile(
      rt.paths.wrapped,
      'import/EncryptedKeyMaterial.bin',
      wrapped,
    );
    rt.journal.append('wrap.done', {
      algorithm: rt.plan.wrapping.algorithm,
      wrappingKeyFingerprint: wk.fingerprintSha256,
      wrappedKeyDigest,
    });
    return { algorithm: rt.plan.wrapping.algorithm, wrappedKeyDigest };
  } finally {
    // The wrapped blob on disk is all the import needs: the plaintext leaves memory now.
    material.dispose();
    rt.material = null;
  }
}

export function listShareFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.share.json'))
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

export function fileMatches(file: string, digest: string | undefined): boolean {
  return digest !== undefined && sha256OfFile(file) === digest;
}
