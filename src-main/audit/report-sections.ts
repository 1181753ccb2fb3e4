import { checkpointDigest, checkpointProblem } from '../../src-shared/audit/checkpoint.js';
import { verifyEd25519 } from '../../src-shared/audit/keys.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { describeStrength, passphraseStrength } from '../../src-shared/ceremony/passphrase-strength.js';
import {
  type Block,
  type Cell,
  type Inline,
  type ReportDocument,
  REHEARSAL_NOTE,
  hexWithWords,
  lines,
  wordsOf,
} from './report-document.js';
import { str } from './report-markup.js';
import type { ReportInput } from './report.js';
import { environmentNotice, isRehearsalLog, summaryRows, verifyAdvice } from './report-summary.js';
import { timelineTable } from './report-timeline.js';
import { materialsBlocks } from './report-materials.js';
import { witnessStatementStatus } from './report-witnesses.js';

/** Walks a payload for fields by name (KCVs, fingerprints appear in many record types). */
function fieldsNamed(
  value: unknown,
  re: RegExp,
  path: string,
  out: Array<{ path: string; value: string }>,
): void {
  if (Array.isArray(value)) value.forEach((v, i) => fieldsNamed(v, re, `${path}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (re.test(k) && typeof v === 'string') out.push({ path: `${path}.${k}`, value: v });
      else fieldsNamed(v, re, `${path}.${k}`, out);
    }
  }
}

const at = (r: AuditRecord): Cell => [String(r.seq), { br: true }, { code: r.time }];

const table = (headers: string[], rows: Cell[][], empty: string): Block => ({
  kind: 'table',
  headers,
  rows,
  empty,
});

/** The report: the verdict and how to check it, then each part of the log a reader looks for. */
export function buildReport(input: ReportInput): ReportDocument {
  const { records, checkpoints, verification: v } = input;
  const rehearsal = isRehearsalLog(records);
  const blocks: Block[] = [{ kind: 'title', text: 'Keyrite audit report' }, environmentNotice(records)];
  if (rehearsal) blocks.push({ kind: 'box', tone: 'rehearsal', cell: [{ strong: REHEARSAL_NOTE }] });
  blocks.push({
    kind: 'text',
    cell: ['Source: ', { code: input.source }, ` · generated ${input.generatedAt}`],
  });
  blocks.push(
    v.ok
      ? {
          kind: 'box',
          tone: 'ok',
          cell: [
            { strong: 'Verification passed.' },
            ` ${v.recordCount} records, ${v.checkpointCount} signed checkpoints. Merkle root `,
            { code: v.rootHash },
            wordsOf(v.rootHash.slice(0, 16)),
            ...(v.uncheckpointedTail > 0
              ? [
                  { br: true } as const,
                  `${v.uncheckpointedTail} record(s) after the newest checkpoint are protected by the hash chain only.`,
                ]
              : []),
          ],
        }
      : {
          kind: 'box',
          tone: 'bad',
          cell: [
            { strong: 'Verification FAILED' },
            ` at record ${v.firstBadSeq}: ${v.reason}. Nothing below can be trusted beyond that point.`,
          ],
        },
  );
  blocks.push({ kind: 'box', tone: 'advice', cell: verifyAdvice(input.source) });

  blocks.push({ kind: 'heading', text: 'Summary' }, { kind: 'facts', rows: summaryRows(records) });
  blocks.push(...materialsBlocks(records));

  const starts = records.filter((r) => r.type === 'ceremony.started');
  blocks.push(
    { kind: 'heading', text: 'Ceremonies' },
    table(
      ['Record', 'Ceremony', 'Title', 'Plan digest (SHA-256)'],
      starts.map((r) => [
        at(r),
        [{ code: r.ceremonyId }],
        [str(r.payload['title'])],
        hexWithWords(str(r.payload['planDigest'])),
      ]),
      'No ceremony was started in this log.',
    ),
  );

  const enrolled = records.filter((r) => r.type === 'participant.enrolled');
  const keyOf = new Map<string, string>();
  for (const r of enrolled)
    if (typeof r.payload['publicKey'] === 'string') {
      // Confirmations may name a custodian by display name or by id; both lead to the enrolled key.
      keyOf.set(str(r.payload['name']), r.payload['publicKey']);
      if (typeof r.payload['custodianId'] === 'string')
        keyOf.set(r.payload['custodianId'], r.payload['publicKey']);
    }
  blocks.push(
    { kind: 'heading', text: 'Participants' },
    table(
      ['Record', 'Name', 'Role', 'Public key fingerprint (SHA-256 of the key)', 'Passphrase'],
      enrolled.map((r) => {
        const pk = str(r.payload['publicKey']);
        const fp = pk ? spkiFingerprint(pk) : str(r.payload['fingerprint']);
        // How it met the policy; logs written before this was recorded say nothing.
        const strength = passphraseStrength.safeParse(r.payload['strength']);
        return [
          at(r),
          [str(r.payload['name'])],
          [str(r.payload['role'])],
          fp ? hexWithWords(fp) : ['—'],
          [strength.success ? describeStrength(strength.data) : '—'],
        ];
      }),
      'No participant enrolled in this log.',
    ),
  );

  blocks.push(
    { kind: 'heading', text: 'Confirmations' },
    table(
      ['Record', 'Step', 'Custodian', 'Digest confirmed', 'Signature'],
      records
        .filter((r) => r.type === 'step.confirmed')
        .map((r) => {
          const digest = str(r.payload['digest']);
          const enrolledKey = keyOf.get(str(r.payload['custodian']));
          const pk = enrolledKey ?? str(r.payload['publicKey']);
          const okSig =
            pk !== '' && verifyEd25519(pk, Buffer.from(digest, 'hex'), str(r.payload['signature']));
          return [
            at(r),
            [str(r.payload['stepId'])],
            [str(r.payload['custodian'])],
            [{ code: digest }, wordsOf(digest.slice(0, 16))],
            [
              !okSig
                ? 'not verifiable here over the raw digest'
                : enrolledKey !== undefined
                  ? 'verifies over the digest with the enrolled key'
                  : { warn: 'verifies only with the key in the record: custodian not enrolled' },
            ],
          ];
        }),
      'No step confirmation in this log.',
    ),
  );

  const kcvRows: Cell[][] = [];
  const fpRows: Cell[][] = [];
  for (const r of records) {
    const kcvs: Array<{ path: string; value: string }> = [];
    fieldsNamed(r.payload, /^([A-Za-z]*Kcv|kcv)$/, 'payload', kcvs);
    for (const k of kcvs)
      kcvRows.push([
        at(r),
        [r.type],
        [{ code: k.path }],
        [{ strong: k.value }],
        [[str(r.payload['scope']), str(r.payload['holder'])].filter(Boolean).join(' · ')],
      ]);
    const fps: Array<{ path: string; value: string }> = [];
    fieldsNamed(r.payload, /^(fingerprint|[A-Za-z]*Fingerprint)$/, 'payload', fps);
    for (const f of fps) fpRows.push([at(r), [r.type], [{ code: f.path }], hexWithWords(f.value)]);
  }
  blocks.push(
    { kind: 'heading', text: 'Key check values' },
    table(['Record', 'Type', 'Field', 'KCV', 'Context'], kcvRows, 'No KCV recorded.'),
    { kind: 'heading', text: 'Fingerprints' },
    table(['Record', 'Type', 'Field', 'Fingerprint (hex and PGP words)'], fpRows, 'No fingerprint recorded.'),
  );

  blocks.push(
    { kind: 'heading', text: 'Signed checkpoints' },
    table(
      ['Tree size', 'Time', 'Merkle root', 'Station signature', 'Co-signatures'],
      checkpointRows(records, checkpoints, keyOf),
      'No checkpoint was signed.',
    ),
  );

  const signatures = witnessStatementStatus(records);
  blocks.push(
    { kind: 'heading', text: 'Witness exceptions' },
    table(
      ['Record', 'Witness', 'Step', 'Exception', 'Witness signature'],
      records
        .filter((r) => r.type === 'witness.exception')
        .map((r) => [
          at(r),
          [str(r.payload['witness'])],
          [str(r.payload['stepId'])],
          [str(r.payload['text'])],
          [signatures.get(r.seq) ?? ''],
        ]),
      'No witness recorded an exception.',
    ),
  );

  const closed = new Set(records.filter((r) => r.type === 'outcome').map((r) => r.payload['intentSeq']));
  blocks.push(
    { kind: 'heading', text: 'Intents without an outcome' },
    table(
      ['Record', 'Action', 'Effect'],
      records
        .filter((r) => r.type === 'intent' && !closed.has(r.seq))
        .map((r) => [at(r), [str(r.payload['action'])], [str(r.payload['effect'])]]),
      'Every intent has a recorded outcome.',
    ),
  );

  blocks.push({ kind: 'heading', text: 'Timeline' }, timelineTable(records));
  return { title: 'Keyrite audit report', rehearsal, blocks };
}

/** Each checkpoint with its signature's verdict and every co-signature (in it, or recorded after it). */
function checkpointRows(
  records: ReportInput['records'],
  checkpoints: ReportInput['checkpoints'],
  keyOf: ReadonlyMap<string, string>,
): Cell[][] {
  // Custodians co-sign a checkpoint after it is recorded, in `audit.cosignature` records.
  const recorded = new Map<string, AuditRecord[]>();
  for (const r of records) {
    if (r.type !== 'audit.cosignature') continue;
    const k = `${String(r.payload['treeSize'])}/${String(r.payload['rootHash'])}`;
    recorded.set(k, [...(recorded.get(k) ?? []), r]);
  }
  return checkpoints.map((c) => {
    const problem = checkpointProblem(c);
    // A damaged checkpoint is reported as such, not read further.
    const digest = problem ? null : checkpointDigest(c);
    const verdict = (ok: boolean): Inline => (ok ? 'valid, enrolled key' : { warn: 'NOT VALID' });
    const cos: Cell[] = [
      ...(digest ? c.cosignatures : []).map((s): Cell => [
        `${s.signer}: `,
        verdict(
          verifyEd25519(s.publicKey, digest ?? Buffer.alloc(0), s.signature) &&
            keyOf.get(s.signer) === s.publicKey,
        ),
      ]),
      ...(digest ? (recorded.get(`${c.treeSize}/${c.rootHash}`) ?? []) : []).map((r): Cell => {
        const p = r.payload;
        const ok =
          digest !== null &&
          verifyEd25519(String(p['publicKey']), digest, String(p['signature'])) &&
          keyOf.get(String(p['signer'])) === p['publicKey'];
        return [`${String(p['signer'])}: `, verdict(ok), ` (record ${r.seq})`];
      }),
    ];
    return [
      [String(c.treeSize)],
      [{ code: c.time }],
      hexWithWords(c.rootHash),
      problem ? [{ warn: problem }] : ['valid (station ', { code: c.stationId }, ')'],
      cos.length > 0 ? lines(cos) : ['—'],
    ];
  });
}
