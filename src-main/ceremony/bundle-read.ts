import { checkpointProblem } from '../../src-shared/audit/checkpoint.js';
import { readRequest, readResponse, type CompletedStep } from '../../src-shared/bundle/content.js';
import { refusedBundleDigest, verifyBundle, type VerifiedBundle } from '../../src-shared/bundle/verify.js';
import { KeyriteError, isKeyriteError } from '../../src-shared/errors.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import path from 'node:path';
import type { WrapOutput } from '../../src-shared/ceremony/records.js';
import { outputFileName } from '../../src-shared/ceremony/plan-outputs.js';
import { planCloudKeySpec } from '../../src-shared/ceremony/plan.js';
import { BUNDLE_UNREADABLE, directorySource } from '../media/bundle-dir.js';
import { outputsDirName, outputsDirProblem } from '../media/outputs-dir.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { bundleDue, peerBlock } from './bundle-due.js';
import { applyStepEvent } from './step-runner.js';

export interface AcceptedBundleInfo {
  kind: 'request' | 'response';
  sequence: number;
  bundleDigest: string;
  bundleDigestWords: string;
  stationFingerprint: string;
  stationWords: string;
  /** True when this bundle introduced the other station (its fingerprint is now pinned). */
  pinned: boolean;
}

function mismatch(message: string): KeyriteError {
  return new KeyriteError(
    'BUNDLE_CONTENT_MISMATCH',
    message,
    'the bundle does not belong to this ceremony as this station knows it: carry the bundle the other station wrote for it',
  );
}

/** The other station's steps, exactly those this station expects next, in order. */
function assertPeerSteps(p: CeremonyParts, steps: readonly CompletedStep[]): void {
  const expected = peerBlock(p.log);
  const got = steps.map((s) => s.stepId);
  if (got.join(',') !== expected.join(','))
    throw mismatch(
      `the bundle reports steps ${got.join(', ') || 'none'}; this station expects ${expected.join(', ')}`,
    );
}

/** Checks that go beyond the bundle's own consistency: this plan, this station's own facts. */
function checkAgainstCeremony(p: CeremonyParts, b: VerifiedBundle, dir: string): void {
  const plan = p.log.plan;
  const f = p.log.facts;
  if (b.manifest.kind === 'request') {
    const { request } = readRequest(b, p.settings.clock());
    const t = request.target;
    if (
      t.provider !== plan.target.provider ||
      t.region !== plan.target.region ||
      t.keySpec !== planCloudKeySpec(plan)
    )
      throw mismatch(`the request targets ${t.provider} ${t.region} ${t.keySpec}, not what the plan says`);
    if (
      request.wrapping.algorithm !== plan.wrapping.algorithm ||
      request.wrapping.keySpec !== plan.wrapping.keySpec
    )
      throw mismatch('the request’s wrapping algorithm or key spec is not the plan’s');
    // A plan may name its key by alias (a rotation of `alias/…`): only KMS resolves an alias, and the
    // offline station has none, so it takes the resolution the pinned online station signed (its
    // pre-flight asked KMS); a key id or ARN in the plan must be the request's.
    const named = 'existing' in plan.target.key ? plan.target.key.existing.keyId : undefined;
    if (named !== undefined && !named.startsWith('alias/') && ![t.keyId, t.keyArn].includes(named))
      throw mismatch('the request names another key than the plan’s');
    assertPeerSteps(p, request.steps);
    return;
  }
  const { response, checkpoint } = readResponse(b);
  if (
    response.importTokenDigest !== f.importTokenDigest ||
    response.wrappingKeyFingerprint !== f.wrappingKeyFingerprint
  )
    throw new KeyriteError(
      'BUNDLE_OTHER_REQUEST',
      'the response answers other import parameters than this station holds',
      'it was wrapped for an older request: carry the response to the newest request, or write the request again',
    );
  const mine = p.log.writtenBundles
    .filter((w) => w.kind === 'request' && w.bundleDigest)
    .map((w) => w.bundleDigest);
  if (!mine.includes(response.requestDigest))
    throw new KeyriteError(
      'BUNDLE_OTHER_REQUEST',
      'the response answers a request this station did not write',
      'carry the response the offline station wrote for this station’s request',
    );
  const ids = plan.participants.custodians
    .map((c) => c.id)
    .sort()
    .join(',');
  if (
    response.custodians
      .map((c) => c.custodianId)
      .sort()
      .join(',') !== ids
  )
    throw mismatch('the response enrolls other custodians than the plan names');
  // Every witness of the plan enrolled offline (the enroll step waits for them): their keys must come.
  const witnessIds = plan.participants.witnesses
    .map((w) => w.id)
    .sort()
    .join(',');
  if (
    response.witnesses
      .map((w) => w.witnessId)
      .sort()
      .join(',') !== witnessIds
  )
    throw mismatch('the response carries other witness keys than the plan’s witnesses');
  const problem = checkpointProblem(checkpoint);
  if (problem || checkpoint.stationPublicKey !== b.manifest.station.publicKey)
    throw mismatch(`the offline log’s checkpoint does not hold: ${problem ?? 'signed by another station'}`);
  assertPeerSteps(p, response.steps);
  assertOutputs(p, b, response.outputs ?? [], dir);
}

/**
 * The plan's outputs for other clouds, as the offline station logged them: one record per output of
 * the plan, and each file in its folder beside the bundle exactly as logged — a person carries these
 * files to gcloud or az, so a missing, half-written or altered one is refused here, in words.
 */
function assertOutputs(
  p: CeremonyParts,
  b: VerifiedBundle,
  outputs: readonly WrapOutput[],
  dir: string,
): void {
  const planned = (p.log.plan.outputs ?? []).map((o, i) => outputFileName(o, i));
  const got = outputs.map((o) => o.file);
  if (got.join(',') !== planned.join(','))
    throw mismatch(
      `the response names outputs ${got.join(', ') || 'none'}; the plan's outputs are ${planned.join(', ') || 'none'}`,
    );
  if (outputs.length === 0) return;
  const folder = path.join(path.dirname(dir), outputsDirName(b.manifest.ceremonyId, b.manifest.sequence));
  const problem = outputsDirProblem(folder, outputs);
  if (problem)
    throw new KeyriteError(
      'BUNDLE_OUTPUT_FILES',
      `the outputs for other clouds do not match the response: ${problem}`,
      `carry the folder ${path.basename(folder)} the offline station wrote beside this response, on the same medium; if a file is damaged, have the offline station write the response again (it writes the outputs anew beside it)`,
    );
}

/** Records the bundle, its files and the other station's steps in this station's log. */
async function takeIn(p: CeremonyParts, b: VerifiedBundle): Promise<void> {
  const pinned = p.log.peerStation === undefined;
  p.journal.append('bundle.accepted', {
    kind: b.manifest.kind,
    sequence: b.manifest.sequence,
    bundleDigest: b.digest,
    stationFingerprint: b.station,
    pinned,
  });
  let steps: readonly CompletedStep[];
  if (b.manifest.kind === 'request') {
    const { request, wrappingKey, importToken } = readRequest(b, p.settings.clock());
    await p.journal.writeFile(p.paths.wrappingKey, 'import/WrappingPublicKey.der', wrappingKey);
    await p.journal.writeFile(p.paths.importToken, 'import/ImportToken.bin', importToken);
    steps = request.steps;
  } else {
    const { response, wrapped, sealedCustodians, sealedWitnesses } = readResponse(b);
    await p.journal.writeFile(p.paths.wrapped, 'import/EncryptedKeyMaterial.bin', wrapped);
    for (const c of response.custodians) {
      // Custodians confirm the import here with the keys they enrolled offline, sealed under their passphrases.
      await p.journal.writeFile(
        p.paths.custodian(c.custodianId),
        `custodians/${c.custodianId}.json`,
        sealedCustodians.get(c.custodianId)!,
      );
      if (!p.log.enrollment(c.custodianId)) p.journal.append('participant.enrolled', c, c.custodianId);
    }
    for (const w of response.witnesses) {
      // Bound here as the custodians' are: this station accepts statements signed by these keys only.
      await p.journal.writeFile(
        p.paths.witness(w.witnessId),
        `witnesses/${w.witnessId}.json`,
        sealedWitnesses.get(w.witnessId)!,
      );
      if (!p.log.witnessEnrollment(w.witnessId)) p.journal.append('participant.enrolled', w, w.witnessId);
    }
    // The outputs for other clouds, as the offline station logged them (the files are on the medium).
    const folder = outputsDirName(b.manifest.ceremonyId, b.manifest.sequence);
    for (const o of response.outputs ?? [])
      p.journal.append('wrap.output', { ...o, offlineStationFingerprint: b.station, folder });
    steps = response.steps;
  }
  for (const s of steps) {
    applyStepEvent(p, { kind: 'step-started', step: s.stepId });
    applyStepEvent(p, { kind: 'step-completed', step: s.stepId, facts: s.facts });
  }
  p.journal.checkpoint();
}

/** The expectations a bundle read now must meet, from this station's log. */
export function expectationsFor(p: CeremonyParts, kind: 'request' | 'response', pin?: string) {
  const accepted = p.log.acceptedBundles;
  const peer = p.log.peerStation ?? pin;
  return {
    now: p.settings.clock(),
    kind,
    ceremonyId: p.log.ceremonyId,
    planDigest: p.log.planDigest,
    stations: peer ? [peer] : [],
    lastSequence: Math.max(0, ...accepted.map((a) => a.sequence)),
    acceptedDigests: accepted.map((a) => a.bundleDigest),
  };
}

/**
 * Reads a bundle from the medium into this station's ceremony. Verified in the fixed order
 * (verifyBundle), then against this ceremony; any refusal is recorded (`bundle.refused`, with the
 * bundle's digest when it got that far) and sealed by a checkpoint before the error reaches people.
 * `pin`: the other station's fingerprint as people read it aloud, required of the first bundle.
 */
export async function acceptBundle(p: CeremonyParts, dir: string, pin?: string): Promise<AcceptedBundleInfo> {
  const due = bundleDue(p.log);
  const kind = due === 'read-request' ? 'request' : due === 'read-response' ? 'response' : null;
  let verified: VerifiedBundle | undefined;
  try {
    if (!kind)
      throw new KeyriteError(
        'BUNDLE_NOT_EXPECTED',
        'this station expects no bundle now',
        due === 'write-request' || due === 'write-response'
          ? 'write this station’s bundle first'
          : 'run the next step',
      );
    verified = verifyBundle(directorySource(dir), expectationsFor(p, kind, pin));
    checkAgainstCeremony(p, verified, dir);
  } catch (e) {
    if (isKeyriteError(e) && e.code !== BUNDLE_UNREADABLE) {
      // The bundle's digest whenever its signed manifest was read: a replay names what was replayed.
      const bundleDigest = verified?.digest ?? refusedBundleDigest(e);
      p.journal.append('bundle.refused', {
        code: e.code.slice(0, 100),
        message: e.message.slice(0, 1000),
        ...(bundleDigest ? { bundleDigest } : {}),
      });
      p.journal.checkpoint();
      p.signals.changed();
    }
    throw e;
  }
  const pinned = p.log.peerStation === undefined;
  await takeIn(p, verified);
  p.signals.changed();
  return {
    kind: verified.manifest.kind,
    sequence: verified.manifest.sequence,
    bundleDigest: verified.digest,
    bundleDigestWords: toWords(verified.digest),
    stationFingerprint: verified.station,
    stationWords: toWords(verified.station),
    pinned,
  };
}
