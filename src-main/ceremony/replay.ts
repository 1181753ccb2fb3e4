import { readFileSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import {
  QuorumTally,
  type Confirmation,
  type ConfirmationChallenge,
  type QuorumContext,
} from '../../src-shared/ceremony/confirmation.js';
import {
  applyEvent,
  nextStep,
  type StepFacts,
  type StepId,
} from '../../src-shared/ceremony/state-machine.js';
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
    const p = r.payload;
    switch (r.type) {
      case 'step.started':
        rt.state = applyEvent(rt.state, { kind: 'step-started', step: p['stepId'] as StepId });
        break;
      case 'step.completed':
        rt.state = applyEvent(rt.state, {
          kind: 'step-completed',
          step: p['stepId'] as StepId,
          facts: (p['facts'] ?? {}) as StepFacts,
        });
        rt.stepFacts.set(p['stepId'] as StepId, (p['facts'] ?? {}) as StepFacts);
        break;
      case 'step.failed':
        rt.state = applyEvent(rt.state, {
          kind: 'step-failed',
          step: p['stepId'] as StepId,
          reason: String(p['message']),
        });
        rt.errors.set(p['stepId'] as StepId, {
          code: String(p['code']),
          message: String(p['message']),
          ...(typeof p['hint'] === 'string' ? { hint: p['hint'] } : {}),
        });
        break;
      case 'step.rewound':
        rt.state = applyEvent(rt.state, {
          kind: 'rewound',
          to: p['stepId'] as StepId,
          reason: String(p['reason']),
        });
        break;
      case 'participant.enrolled': {
        const id = String(p['custodianId']);
        const e = JSON.parse(readFileSync(rt.paths.custodian(id), 'utf8')) as CustodianEnrollment;
        if (e.signingPublicKey !== p['publicKey'])
          throw new KeyriteError(
            'ENROLLMENT_FILE_CHANGED',
            `custodians/${id}.json does not hold the enrolled key`,
            'restore the file from the ceremony directory backup',
          );
        rt.enrollments.set(id, e);
        break;
      }
      case 'step.challenge':
        lastChallenge = {
          ceremonyId: rt.ceremonyId,
          stepId: p['stepId'] as StepId,
          facts: p['facts'] as StepFacts,
          chainHead: String(p['chainHead']),
          nonce: String(p['nonce']),
          expiresAt: String(p['expiresAt']),
        };
        confirmations.length = 0;
        challengeCheckpoint = null;
        break;
      case 'audit.checkpoint':
        // The first checkpoint after a request is the one its custodians co-sign.
        if (lastChallenge && !challengeCheckpoint) {
          const body = {
            version: 1 as const,
            ceremonyId: r.ceremonyId,
            stationId: r.stationId,
            treeSize: p['treeSize'] as number,
            rootHash: String(p['rootHash']),
            time: String(p['time']),
          };
          challengeCheckpoint = {
            treeSize: body.treeSize,
            rootHash: body.rootHash,
            digest: checkpointDigest(body).toString('hex'),
          };
        }
        break;
      case 'step.confirmed':
        confirmations.push({
          custodianId: String(p['custodian']),
          publicKey: String(p['publicKey']),
          digest: String(p['digest']),
          nonce: String(p['nonce']),
          signature: String(p['signature']),
        });
        break;
      case 'step.quorum-met':
        rt.usedNonces.add(String(p['nonce']));
        rt.confirmedBy.set(p['stepId'] as StepId, (p['custodians'] ?? []) as string[]);
        break;
      case 'backup.created':
        rt.shareVerified.clear();
        break;
      case 'backup.share-verified':
        rt.shareVerified.add(String(p['holder']));
        break;
      case 'ceremony.witness-signoff':
        rt.witnessSignoffs.add(String(p['witnessId']));
        break;
      case 'witness.exception':
        rt.exceptions.push({
          stepId: String(p['stepId']),
          witnessId: String(p['witnessId']),
          text: String(p['text']),
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
