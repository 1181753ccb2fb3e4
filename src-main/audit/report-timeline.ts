import type { AuditRecord } from '../../src-shared/audit/record.js';
import type { Block } from './report-document.js';
import { short, str } from './report-markup.js';

type Payload = Record<string, unknown>;

const facts = (p: Payload): Payload =>
  p['facts'] !== null && typeof p['facts'] === 'object' ? (p['facts'] as Payload) : {};

/** What a record says happened, as a sentence; unknown types fall back to their plain fields. */
export function describeRecord(r: AuditRecord, effects: ReadonlyMap<number, string> = new Map()): string {
  const p = r.payload;
  switch (r.type) {
    case 'station.key':
      return `station key registered (station ${str(p['stationId'])})`;
    case 'ceremony.started':
      return `ceremony started: ${str(p['title'])} — plan digest ${short(p['planDigest'])}`;
    case 'ceremony.closed':
      return `ceremony closed: ${str(p['status'])}`;
    case 'participant.enrolled':
      return `${str(p['name'])} enrolled as ${str(p['role'])}${p['fingerprint'] ? `, key fingerprint ${short(p['fingerprint'])}` : ''}`;
    case 'step.started':
      return 'step started';
    case 'step.completed':
      return `step completed${str(facts(p)['note']) ? `: ${str(facts(p)['note'])}` : ''}`;
    case 'step.failed':
      return `step FAILED (${str(p['code'])}): ${str(p['message'])}`;
    case 'step.challenge':
      return `custodian confirmation requested (digest ${short(p['digest'])}), valid until ${str(p['expiresAt'])}`;
    case 'step.confirmed':
      return `${str(p['custodian'])} confirmed, signing digest ${short(p['digest'])}`;
    case 'step.quorum-met':
      return `quorum met: ${Array.isArray(p['custodians']) ? p['custodians'].map(str).join(', ') : ''}`;
    case 'kms.identity':
      return p['projectId'] !== undefined
        ? `Huawei Cloud project ${str(p['projectId'])}, region ${str(p['region'])}: ${str(p['principal'])}`
        : `AWS identity: account ${str(p['account'])}, ${str(p['callerArn'])}, region ${str(p['region'])}`;
    case 'params.fetched':
      return `import parameters fetched for ${str(p['algorithm'])}, valid to ${str(p['validTo'])}`;
    case 'kms.replicated':
      return `replica in ${str(p['region'])}: ${str(p['replicaArn'])} (${str(p['keyState'])})`;
    case 'params.replica-fetched':
      return `import parameters fetched for the replica in ${str(p['region'])}, wrapping key ${short(p['wrappingKeyFingerprint'])}, valid to ${str(p['validTo'])}`;
    case 'wrap.replica':
      return `material wrapped for the replica in ${str(p['region'])} under wrapping key ${short(p['wrappingKeyFingerprint'])}`;
    case 'material.kcv':
      return `${str(p['scope'])} check value ${str(p['kcv'])}${p['method'] ? ` (${str(p['method'])})` : ''}${p['holder'] ? ` — ${str(p['holder'])}` : ''}`;
    case 'backup.created':
      return `${Array.isArray(p['commitments']) ? p['commitments'].length : '?'} backup shares sealed, one per custodian`;
    case 'backup.share-verified':
      return `${str(p['holder'])} opened their backup share; it matches its commitment`;
    case 'wrap.done':
      return `material wrapped with ${str(p['algorithm'])} for wrapping key ${short(p['wrappingKeyFingerprint'])}`;
    case 'wrap.output':
      return `${p['offlineStationFingerprint'] ? 'as logged on the offline station: ' : ''}wrapped for ${p['cloud'] === 'gcp' ? 'Google Cloud KMS' : 'Azure Key Vault'} (${str(p['destination'])}): ${str(p['file'])}${p['folder'] ? ` in ${str(p['folder'])} on the medium` : ''}, SHA-256 ${short(p['outputDigest'])}; upload with ${str(p['command'])}`;
    case 'kms.verified':
      return `verified in KMS: ${str(p['check'])}`;
    case 'ceremony.witness-signoff':
      return `${str(p['witness'])} signed off the ceremony`;
    case 'witness.exception':
      return `EXCEPTION recorded by ${str(p['witness'])}: ${str(p['text'])}`;
    case 'material.zeroized':
      return str(p['note']) || 'key material wiped from memory';
    case 'audit.checkpoint':
      return `checkpoint signed at ${str(p['treeSize'])} records (root ${short(p['rootHash'])})`;
    case 'audit.cosignature':
      return `${str(p['signer'])} co-signed the checkpoint at ${str(p['treeSize'])} records`;
    case 'intent':
      return `about to: ${str(p['effect'])}`;
    case 'outcome':
      return `${p['ok'] === true ? 'done' : 'FAILED'}: ${effects.get(Number(p['intentSeq'])) ?? str(p['action'])} (intent, record ${str(p['intentSeq'])})`;
    case 'note':
      return str(p['text']);
    default:
      return Object.entries(p)
        .filter(([, v]) => str(v) !== '')
        .slice(0, 4)
        .map(([k, v]) => `${k} ${short(v)}`)
        .join(', ');
  }
}

/** Records that mark trouble, so the reader's eye finds them in a long timeline. */
export const isAlert = (r: AuditRecord): boolean =>
  r.type === 'step.failed' ||
  r.type === 'witness.exception' ||
  (r.type === 'outcome' && r.payload['ok'] === false);

/**
 * The step each record belongs to: its own `stepId`, else the step started last and not yet ended
 * ('' before the first step and between steps).
 */
export function stepOfEach(records: readonly AuditRecord[]): string[] {
  let step = '';
  return records.map((r) => {
    const own = str(r.payload['stepId']);
    if (r.type === 'step.started' && own) step = own;
    const shown = own || step;
    if (r.type === 'step.completed' || r.type === 'ceremony.closed') step = '';
    return shown;
  });
}

/** Each intent record's effect by its number, for the outcome records that name them. */
export function intentEffects(records: readonly AuditRecord[]): Map<number, string> {
  return new Map(
    records.filter((r) => r.type === 'intent').map((r) => [r.seq, str(r.payload['effect'])] as const),
  );
}

/**
 * The log as people read it: when, who, during which step, what happened. Each record keeps its
 * number so anything here can be found in the JSON export or named to `keyrite audit verify`.
 */
export function timelineTable(records: readonly AuditRecord[]): Block {
  const steps = stepOfEach(records);
  const effects = intentEffects(records);
  const rows = records.map((r, i) => {
    const text = describeRecord(r, effects);
    return [
      [String(r.seq)],
      [{ code: r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') }],
      [r.actor],
      [steps[i] ?? ''],
      [isAlert(r) ? { warn: text } : text],
    ];
  });
  return {
    kind: 'table',
    headers: ['#', 'Time (UTC)', 'Actor', 'Step', 'What happened'],
    rows,
    empty: 'The log is empty.',
    cls: 'timeline',
  };
}
