import path from 'node:path';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { STEP_CATALOGUE } from '../../../src-shared/ceremony/steps.js';
import { isStepId } from '../../../src-shared/ceremony/steps.js';
import type {
  AuditRecordRow,
  AuditWorkspace,
  OpenedLogVerification,
} from '../../../src-shared/ipc/audit-workspace.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import type { OpenedLog } from '../../audit/opened-log.js';
import { describeRecord, intentEffects, isAlert, stepOfEach } from '../../audit/report-timeline.js';
import { recordedMaterials } from '../../audit/report-materials.js';

const PAYLOAD_SHOWN = 16 * 1024;

/** Every record as the workspace lists it, computed once when the log is opened. */
export function workspaceRows(log: OpenedLog): AuditRecordRow[] {
  const steps = stepOfEach(log.records);
  const effects = intentEffects(log.records);
  return log.records.map((r, i) => {
    const payload = canonicalString(r.payload);
    return {
      seq: r.seq,
      time: r.time,
      ceremonyId: r.ceremonyId,
      actor: r.actor,
      type: r.type,
      stepId: steps[i] ?? '',
      text: describeRecord(r, effects).slice(0, 4096),
      alert: isAlert(r),
      payload:
        payload.length > PAYLOAD_SHOWN
          ? `${payload.slice(0, PAYLOAD_SHOWN)} … (cut: ${payload.length} characters; the JSONL export has all of it)`
          : payload,
      hash: r.hash,
    };
  });
}

function verificationOf(log: OpenedLog, pins: readonly string[]): OpenedLogVerification {
  const { result, warnings, badRecord } = log.verification;
  const common = { pins: [...pins], warnings: warnings.slice(0, 16).map((w) => w.slice(0, 512)) };
  if (!result.ok)
    return {
      intact: false,
      records: log.records.length,
      checkpoints: log.checkpoints.length,
      firstBad: {
        seq: result.firstBadSeq,
        reason: result.reason.slice(0, 1024),
        ...(badRecord
          ? {
              asStored: {
                time: badRecord.time.slice(0, 64),
                actor: badRecord.actor.slice(0, 200),
                type: badRecord.type.slice(0, 64),
              },
            }
          : {}),
      },
      stations: [],
      pinned: false,
      participantKeys: [],
      ...common,
    };
  const tail = result.uncheckpointedTail;
  return {
    intact: true,
    records: result.recordCount,
    checkpoints: result.checkpointCount,
    rootHash: result.rootHash,
    rootWords: toWords(result.rootHash),
    ...(tail > 0
      ? { unsealedTail: { from: result.recordCount - tail + 1, to: result.recordCount, count: tail } }
      : {}),
    stations: result.stations.map((s) => ({
      stationId: s.stationId,
      fingerprint: s.fingerprint,
      fingerprintWords: toWords(s.fingerprint),
      seq: s.seq,
      ...(s.introducedBy ? { introducedBy: s.introducedBy } : {}),
      trusted: s.trusted,
    })),
    pinned: result.pinned,
    participantKeys: result.participantKeys,
    ...common,
  };
}

const distinct = (values: Iterable<string>): string[] => [...new Set(values)].filter((v) => v !== '');

/** The workspace's summary: verification, what each filter can choose, and the steps as a timeline. */
export function workspaceOf(
  log: OpenedLog,
  rows: readonly AuditRecordRow[],
  pins: readonly string[],
): AuditWorkspace {
  const timeline = new Map<string, AuditWorkspace['timeline'][number]>();
  for (const r of rows) {
    if (!r.stepId) continue;
    const t = timeline.get(r.stepId);
    const status =
      r.type === 'step.failed' ? 'failed' : r.type === 'step.completed' ? 'completed' : undefined;
    if (!t) {
      timeline.set(r.stepId, {
        stepId: r.stepId,
        title: isStepId(r.stepId) ? STEP_CATALOGUE[r.stepId].title : r.stepId,
        startedAt: r.time,
        endedAt: r.time,
        status: status ?? 'open',
        records: 1,
        alerts: r.alert ? 1 : 0,
      });
      continue;
    }
    t.endedAt = r.time;
    t.records += 1;
    if (r.alert) t.alerts += 1;
    // A retried step fails, then completes: the last word is what it ended as.
    if (status) t.status = status;
  }
  const materials = recordedMaterials(log.records);
  return {
    fileName: path.basename(log.file),
    verification: verificationOf(log, pins),
    readable: rows.length,
    ...(log.unreadable
      ? { unreadable: { seq: log.unreadable.seq, problem: log.unreadable.problem.slice(0, 512) } }
      : {}),
    filters: {
      ceremonies: distinct(rows.map((r) => r.ceremonyId)).slice(0, 500),
      steps: distinct(rows.map((r) => r.stepId)).slice(0, 500),
      actors: distinct(rows.map((r) => r.actor))
        .sort()
        .slice(0, 500),
      types: distinct(rows.map((r) => r.type))
        .sort()
        .slice(0, 500),
    },
    timeline: [...timeline.values()].slice(0, 200),
    ...(materials.length > 0 ? { keyMaterials: materials } : {}),
  };
}
