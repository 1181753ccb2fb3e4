import {
  environmentBanner,
  environmentLabel,
  type KmsEnvironment,
} from '../../src-shared/ceremony/environment.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { type Block, type Cell, hexWithWords, lines } from './report-document.js';
import { str } from './report-markup.js';
import { environmentOfIdentity } from './recorded-environment.js';
import { witnessStatementStatus } from './report-witnesses.js';

type Payload = Record<string, unknown>;

const last = (records: readonly AuditRecord[], type: string): AuditRecord | undefined =>
  [...records].reverse().find((r) => r.type === type);
const completed = (records: readonly AuditRecord[], stepId: string): Payload | undefined => {
  const r = [...records].reverse().find((x) => x.type === 'step.completed' && x.payload['stepId'] === stepId);
  const f = r?.payload['facts'];
  return f !== null && typeof f === 'object' ? (f as Payload) : undefined;
};

/** Where the ceremony ran, from the identity (and endpoint) the station recorded before touching KMS. */
export function recordedEnvironment(records: readonly AuditRecord[]): KmsEnvironment | null {
  const id = last(records, 'kms.identity')?.payload;
  return id ? environmentOfIdentity(id) : null;
}

/** Whether the log is a rehearsal's: its KMS identity is the one a Keyrite emulator answers with. */
export function isRehearsalLog(records: readonly AuditRecord[]): boolean {
  return recordedEnvironment(records)?.kind === 'emulator';
}

/** The banner the report opens with: the cloud, an emulator (a rehearsal) or another endpoint. */
export function environmentNotice(records: readonly AuditRecord[]): Block {
  const env = recordedEnvironment(records);
  return env
    ? { kind: 'environment', env: env.kind, text: environmentBanner(env) }
    : {
        kind: 'environment',
        env: 'unknown',
        text: 'Environment not recorded: no KMS identity was checked in this log.',
      };
}

function environment(records: readonly AuditRecord[]): string {
  const env = recordedEnvironment(records);
  if (!env) return 'not recorded (no KMS identity was checked in this log)';
  return `${environmentLabel(env)} — as ${env.caller}`;
}

/**
 * The facts a reader looks for first, each taken from the log itself: where it ran, what came of it,
 * the grant, who witnessed and what they objected to. Everything here is repeated in the timeline.
 */
export function summaryRows(records: readonly AuditRecord[]): Array<[string, Cell]> {
  const started = last(records, 'ceremony.started')?.payload;
  const closed = last(records, 'ceremony.closed')?.payload;
  const verified = completed(records, 'verify');
  const keyArn =
    str(closed?.['keyArn']) || str(verified?.['keyArn']) || str(completed(records, 'create-key')?.['keyArn']);
  const kcv = records.find((r) => r.type === 'material.kcv' && r.payload['scope'] === 'material')?.payload;
  const grant = completed(records, 'grant');
  const signatures = witnessStatementStatus(records);
  const signoffs = records
    .filter((r) => r.type === 'ceremony.witness-signoff')
    .map((r) => [`${str(r.payload['witness'])} (record ${r.seq}): ${signatures.get(r.seq) ?? ''}`]);
  const exceptions = records.filter((r) => r.type === 'witness.exception');
  const failures = records.filter((r) => r.type === 'step.failed');
  const digest = str(started?.['planDigest']);
  // Multi-Region: each replica's ARN, as ReplicateKey made it (the latest record per region).
  const replicas = new Map(
    records.filter((r) => r.type === 'kms.replicated').map((r) => [str(r.payload['region']), r.payload]),
  );
  return [
    ['Environment', [environment(records)]],
    ['Ceremony', [started ? str(started['title']) || '(untitled)' : 'no ceremony started in this log']],
    ['Plan digest', digest ? hexWithWords(digest) : ['—']],
    ['Outcome', [closed ? str(closed['status']) : 'not closed (the log ends before the ceremony closed)']],
    ['Key', keyArn ? [{ code: keyArn }] : ['—']],
    ...(replicas.size > 0
      ? [
          [
            'Replicas',
            lines([...replicas].map(([region, p]) => [`${region}: `, { code: str(p['replicaArn']) }])),
          ] satisfies [string, Cell],
        ]
      : []),
    ['Key state', [str(verified?.['keyState']) || '—']],
    ['Check value', [kcv ? `${str(kcv['kcv'])} (${str(kcv['method']) || 'KCV'})` : '—']],
    ['Grant', [grant ? str(grant['note']) || 'granted' : 'none in this log']],
    ['Witnesses signed off', signoffs.length === 0 ? ['none'] : lines(signoffs)],
    [
      'Witness exceptions',
      exceptions.length === 0
        ? ['none recorded']
        : [
            { warn: String(exceptions.length) },
            ': ',
            ...lines(
              exceptions.map((r) => [
                `${str(r.payload['witness'])} on ${str(r.payload['stepId']) || 'the ceremony'} (record ${r.seq}): ${str(r.payload['text'])} — ${signatures.get(r.seq) ?? ''}`,
              ]),
            ),
          ],
    ],
    [
      'Failed steps',
      failures.length === 0
        ? ['none']
        : lines(
            failures.map((r) => [
              `${str(r.payload['stepId'])} (record ${r.seq}): ${str(r.payload['message'])}`,
            ]),
          ),
    ],
  ];
}

/** Why a reader should not take this page's word for it, and how not to. */
export function verifyAdvice(source: string): Cell {
  return [
    { strong: 'Check this yourself.' },
    ' This page was produced from the log by a Keyrite, possibly the station that ran the ceremony; its verdict is only as trustworthy as that station. With a Keyrite you installed yourself, run ',
    { code: `keyrite audit verify ${source.split(/[\\/]/).pop() ?? 'audit.db'} --checkpoint CHECKPOINT` },
    ' on your copy of the log, with the checkpoint you kept at the ceremony, and compare the Merkle root words it prints with the ones read out in the room. The full records are in ',
    { code: 'keyrite audit export … --format jsonl' },
    '.',
  ];
}
