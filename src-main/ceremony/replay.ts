import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import {
  QuorumTally,
  type Confirmation,
  type ConfirmationChallenge,
  type QuorumContext,
} from '../../src-shared/ceremony/confirmation.js';
import { applyEvent, nextStep } from '../../src-shared/ceremony/state-machine.js';
import { checkpointDigest } from '../../src-shared/audit/checkpoint.js';
import type { CustodianEnrollment } from '../secrets/custodian-keys.js';
import type { CosignTarget, Runtime } from './runtime.js';

/** The quorum rules' view of this ceremony: enrolled keys, spent nonces, the station clock. */
export function quorumContext(rt: Runtime, ch: ConfirmationChallenge): QuorumContext {
  return {
    challenge: ch,
    enrolled: new Map([...rt.enrollments].map(([id, e]) => [id, e.signingPublicKey])),
    usedNonces: rt.usedNonces,
    now: rt.opts.clock,
  };
}

/** Rebuilds a reopened ceremony from its log: steps, facts, enrollments, quorum, share checks, witness notes. */
export function replayLog(rt: Runtime): void {
  let lastChallenge: ConfirmationChallenge | null = null;
  let challengeCheckpoint: CosignTarget | null = null;
  const confirmations: Confirmation[] = [];
  for (const r of rt.journal.records()) {
    switch (r.type) {
      case 'step.started':
        rt.state = applyEvent(rt.state, { kind: 'step-started', step: r.payload.stepId });
        break;
      case 'step.completed':
        rt.state = applyEvent(rt.state, {
          kind: 'step-completed',
          step: r.payload.stepId,
          facts: r.payload.facts,
        });
        rt.stepFacts.set(r.payload.stepId, r.payload.facts);
        break;
      case 'step.failed': {
        const { stepId, code, message, hint } = r.payload;
        rt.state = applyEvent(rt.state, { kind: 'step-failed', step: stepId, reason: message });
        rt.errors.set(stepId, { code, message, ...(hint !== undefined ? { hint } : {}) });
        break;
      }
      case 'step.rewound':
        rt.state = applyEvent(rt.state, { kind: 'rewound', to: r.payload.stepId, reason: r.payload.reason });
        break;
      case 'participant.enrolled': {
        const id = r.payload.custodianId;
        const e = JSON.parse(readFileSync(rt.paths.custodian(id), 'utf8')) as CustodianEnrollment;
        if (e.signingPublicKey !== r.payload.publicKey)
          throw new KeyriteError(
            'ENROLLMENT_FILE_CHANGED',
            `custodians/${id}.json does not hold the enrolled key`,
            'restore the file from the ceremony directory backup',
          );
        rt.enrollments.set(id, e);
        break;
      }
      case 'step.challenge': {
        const { stepId, facts, chainHead, nonce, expiresAt } = r.payload;
        lastChallenge = { ceremonyId: rt.ceremonyId, stepId, facts, chainHead, nonce, expiresAt };
        confirmations.length = 0;
        challengeCheckpoint = null;
        break;
      }
      case 'audit.checkpoint':
        // The first checkpoint after a request is the one its custodians co-sign.
        if (lastChallenge && !challengeCheckpoint) {
          const { treeSize, rootHash, time } = r.payload;
          const body = {
            version: 1 as const,
            ceremonyId: r.ceremonyId,
            stationId: r.stationId,
            treeSize,
            rootHash,
            time,
          };
          challengeCheckpoint = { treeSize, rootHash, digest: checkpointDigest(body).toString('hex') };
        }
        break;
      case 'step.confirmed': {
        const { custodian, publicKey, digest, nonce, signature } = r.payload;
        confirmations.push({ custodianId: custodian, publicKey, digest, nonce, signature });
        break;
      }
      case 'step.quorum-met':
        rt.usedNonces.add(r.payload.nonce);
        rt.confirmedBy.set(r.payload.stepId, r.payload.custodians);
        break;
      case 'backup.created':
        rt.shareVerified.clear();
        break;
      case 'backup.share-verified':
        rt.shareVerified.add(r.payload.holder);
        break;
      case 'ceremony.witness-signoff':
        rt.witnessSignoffs.add(r.payload.witnessId);
        break;
      case 'witness.exception':
        rt.exceptions.push({
          stepId: r.payload.stepId,
          witnessId: r.payload.witnessId,
          text: r.payload.text,
          at: r.time,
        });
        break;
    }
  }
  // An open request survives a restart: confirmations already given still count if still valid.
  if (
    lastChallenge &&
    !rt.usedNonces.has(lastChallenge.nonce) &&
    lastChallenge.stepId === nextStep(rt.state)
  ) {
    rt.challenge = lastChallenge;
    rt.challengeCheckpoint = challengeCheckpoint;
    rt.tally = new QuorumTally(quorumContext(rt, lastChallenge));
    for (const c of confirmations) {
      try {
        rt.tally.add(c);
      } catch {
        // expired or otherwise no longer valid: the custodian confirms again
      }
    }
  }
}
