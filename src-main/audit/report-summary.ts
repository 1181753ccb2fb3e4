import {
  environmentBanner,
  environmentLabel,
  type KmsEnvironment,
} from '../../src-shared/ceremony/environment.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { code, escapeHtml, str, words } from './report-markup.js';
import { environmentOfIdentity } from './recorded-environment.js';

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

/** The banner the report opens with: the cloud, an emulator (a rehearsal) or another endpoint. */
export function environmentNotice(records: readonly AuditRecord[]): string {
  const env = recordedEnvironment(records);
  return env
    ? `<p class="environment environment-${env.kind}" role="note"><strong>${escapeHtml(environmentBanner(env))}</strong></p>`
    : `<p class="environment" role="note"><strong>Environment not recorded: no KMS identity was checked in this log.</strong></p>`;
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
export function summaryRows(records: readonly AuditRecord[]): Array<[string, string]> {
  const started = last(records, 'ceremony.started')?.payload;
  const closed = last(records, 'ceremony.closed')?.payload;
  const verified = completed(records, 'verify');
  const keyArn =
    str(closed?.['keyArn']) || str(verified?.['keyArn']) || str(completed(records, 'create-key')?.['keyArn']);
  const kcv = records.find((r) => r.type === 'material.kcv' && r.payload['scope'] === 'material')?.payload;
  const grant = completed(records, 'grant');
  const signoffs = records
    .filter((r) => r.type === 'ceremony.witness-signoff')
    .map((r) => str(r.payload['witness']));
  const exceptions = records.filter((r) => r.type === 'witness.exception');
  const failures = records.filter((r) => r.type === 'step.failed');
  const digest = str(started?.['planDigest']);
  const rows: Array<[string, string]> = [
    ['Environment', escapeHtml(environment(records))],
    [
      'Ceremony',
      started ? escapeHtml(str(started['title']) || '(untitled)') : 'no ceremony started in this log',
    ],
    ['Plan digest', digest ? code(digest) + words(digest) : '—'],
    [
      'Outcome',
      escapeHtml(closed ? str(closed['status']) : 'not closed (the log ends before the ceremony closed)'),
    ],
    ['Key', keyArn ? code(keyArn) : '—'],
    ['Key state', escapeHtml(str(verified?.['keyState']) || '—')],
    ['Check value', kcv ? escapeHtml(`${str(kcv['kcv'])} (${str(kcv['method']) || 'KCV'})`) : '—'],
    ['Grant', escapeHtml(grant ? str(grant['note']) || 'granted' : 'none in this log')],
    ['Witnesses signed off', escapeHtml(signoffs.join(', ') || 'none')],
    [
      'Witness exceptions',
      exceptions.length === 0
        ? 'none recorded'
        : `<strong class="warn">${exceptions.length}</strong>: ${exceptions
            .map((r) =>
              escapeHtml(
                `${str(r.payload['witness'])} on ${str(r.payload['stepId']) || 'the ceremony'} (record ${r.seq}): ${str(r.payload['text'])}`,
              ),
            )
            .join('<br>')}`,
    ],
    [
      'Failed steps',
      failures.length === 0
        ? 'none'
        : failures
            .map((r) =>
              escapeHtml(`${str(r.payload['stepId'])} (record ${r.seq}): ${str(r.payload['message'])}`),
            )
            .join('<br>'),
    ],
  ];
  return rows;
}

/** Why a reader should not take this page's word for it, and how not to. */
export function verifyAdvice(source: string): string {
  return `<div class="advice"><strong>Check this yourself.</strong> This page was produced from the log by a
Keyrite, possibly the station that ran the ceremony; its verdict is only as trustworthy as that
station. With a Keyrite you installed yourself, run
<code>keyrite audit verify ${escapeHtml(source.split(/[\\/]/).pop() ?? 'audit.db')} --checkpoint CHECKPOINT</code>
on your copy of the log, with the checkpoint you kept at the ceremony, and compare the Merkle root
words it prints with the ones read out in the room. The full records are in
<code>keyrite audit export … --format jsonl</code>.</div>`;
}
