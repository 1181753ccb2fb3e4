import { checkpointDigest, checkpointProblem } from '../../src-shared/audit/checkpoint.js';
import { verifyEd25519 } from '../../src-shared/audit/keys.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import type { ReportInput } from './report.js';
import { code, escapeHtml, str, table, words } from './report-markup.js';
import { environmentNotice, summaryRows, verifyAdvice } from './report-summary.js';
import { timelineTable } from './report-timeline.js';

export { escapeHtml } from './report-markup.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.ok{background:#e6f4ea;border:2px solid #1e7e34;padding:.75rem}.bad{background:#fdecea;border:2px solid #b00020;padding:.75rem}
.environment{font-size:1.1rem;padding:.75rem;border:3px solid #111;background:#f3f3f3}
.environment-emulator,.environment-endpoint{border-color:#b26a00;background:#fff3cd}.environment-aws{border-color:#1e7e34;background:#e6f4ea}
.words{font-style:italic;color:#333}.warn{color:#b00020;font-weight:bold}
.advice{background:#fff8e1;border:2px solid #b26a00;padding:.75rem;margin:1rem 0}
.summary th{width:14rem}.timeline td:nth-child(-n+4){white-space:nowrap}
@media print{body{margin:0}}`;

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

const at = (r: AuditRecord): string =>
  `${escapeHtml(r.seq)}<br><span class="mono">${escapeHtml(r.time)}</span>`;

/** A self-contained, printable report: no scripts, no external resources, everything escaped. */
export function renderHtmlReport(input: ReportInput): string {
  const { records, checkpoints, verification: v } = input;
  const parts: string[] = [];
  const verdict = v.ok
    ? `<div class="ok"><strong>Verification passed.</strong> ${escapeHtml(v.recordCount)} records, ${escapeHtml(v.checkpointCount)} signed checkpoints.
       Merkle root ${code(v.rootHash)}${words(v.rootHash.slice(0, 16))}
       ${v.uncheckpointedTail > 0 ? `<p>${escapeHtml(v.uncheckpointedTail)} record(s) after the newest checkpoint are protected by the hash chain only.</p>` : ''}</div>`
    : `<div class="bad"><strong>Verification FAILED</strong> at record ${escapeHtml(v.firstBadSeq)}: ${escapeHtml(v.reason)}.
       Nothing below can be trusted beyond that point.</div>`;
  parts.push(`<h1>Keyrite audit report</h1>
${environmentNotice(records)}
<p>Source: ${code(input.source)} · generated ${escapeHtml(input.generatedAt)}</p>
${verdict}
${verifyAdvice(input.source)}`);
  parts.push('<h2>Summary</h2>');
  parts.push(
    `<table class="summary"><tbody>\n${summaryRows(records)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`)
      .join('\n')}\n</tbody></table>`,
  );

  const starts = records.filter((r) => r.type === 'ceremony.started');
  parts.push('<h2>Ceremonies</h2>');
  parts.push(
    table(
      ['Record', 'Ceremony', 'Title', 'Plan digest (SHA-256)'],
      starts.map((r) => [
        at(r),
        code(r.ceremonyId),
        escapeHtml(str(r.payload['title'])),
        code(r.payload['planDigest']) + words(str(r.payload['planDigest'])),
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
  parts.push('<h2>Participants</h2>');
  parts.push(
    table(
      ['Record', 'Name', 'Role', 'Public key fingerprint (SHA-256 of the key)'],
      enrolled.map((r) => {
        const pk = str(r.payload['publicKey']);
        const fp = pk ? spkiFingerprint(pk) : str(r.payload['fingerprint']);
        return [
          at(r),
          escapeHtml(str(r.payload['name'])),
          escapeHtml(str(r.payload['role'])),
          fp ? code(fp) + words(fp) : '—',
        ];
      }),
      'No participant enrolled in this log.',
    ),
  );

  const confirmations = records.filter((r) => r.type === 'step.confirmed');
  parts.push('<h2>Confirmations</h2>');
  parts.push(
    table(
      ['Record', 'Step', 'Custodian', 'Digest confirmed', 'Signature'],
      confirmations.map((r) => {
        const digest = str(r.payload['digest']);
        const enrolledKey = keyOf.get(str(r.payload['custodian']));
        const pk = enrolledKey ?? str(r.payload['publicKey']);
        const okSig = pk !== '' && verifyEd25519(pk, Buffer.from(digest, 'hex'), str(r.payload['signature']));
        return [
          at(r),
          escapeHtml(str(r.payload['stepId'])),
          escapeHtml(str(r.payload['custodian'])),
          code(digest) + words(digest.slice(0, 16)),
          !okSig
            ? 'not verifiable here over the raw digest'
            : enrolledKey !== undefined
              ? 'verifies over the digest with the enrolled key'
              : '<span class="warn">verifies only with the key in the record: custodian not enrolled</span>',
        ];
      }),
      'No step confirmation in this log.',
    ),
  );

  const kcvRows: string[][] = [];
  const fpRows: string[][] = [];
  for (const r of records) {
    const kcvs: Array<{ path: string; value: string }> = [];
    fieldsNamed(r.payload, /^([A-Za-z]*Kcv|kcv)$/, 'payload', kcvs);
    for (const k of kcvs) {
      kcvRows.push([
        at(r),
        escapeHtml(r.type),
        code(k.path),
        `<strong class="mono">${escapeHtml(k.value)}</strong>`,
        escapeHtml([str(r.payload['scope']), str(r.payload['holder'])].filter(Boolean).join(' · ')),
      ]);
    }
    const fps: Array<{ path: string; value: string }> = [];
    fieldsNamed(r.payload, /^(fingerprint|[A-Za-z]*Fingerprint)$/, 'payload', fps);
    for (const f of fps)
      fpRows.push([at(r), escapeHtml(r.type), code(f.path), code(f.value) + words(f.value)]);
  }
  parts.push('<h2>Key check values</h2>');
  parts.push(table(['Record', 'Type', 'Field', 'KCV', 'Context'], kcvRows, 'No KCV recorded.'));
  parts.push('<h2>Fingerprints</h2>');
  parts.push(
    table(['Record', 'Type', 'Field', 'Fingerprint (hex and PGP words)'], fpRows, 'No fingerprint recorded.'),
  );

  parts.push('<h2>Signed checkpoints</h2>');
  // Custodians co-sign a checkpoint after it is recorded, in `audit.cosignature` records.
  const recorded = new Map<string, (typeof records)[number][]>();
  for (const r of records) {
    if (r.type !== 'audit.cosignature') continue;
    const k = `${String(r.payload['treeSize'])}/${String(r.payload['rootHash'])}`;
    recorded.set(k, [...(recorded.get(k) ?? []), r]);
  }
  parts.push(
    table(
      ['Tree size', 'Time', 'Merkle root', 'Station signature', 'Co-signatures'],
      checkpoints.map((c) => {
        const problem = checkpointProblem(c);
        // A damaged checkpoint is reported as such (below), not read further.
        const digest = problem ? null : checkpointDigest(c);
        const cos = (digest ? c.cosignatures : [])
          .map(
            (s) =>
              `${escapeHtml(s.signer)}: ${digest && verifyEd25519(s.publicKey, digest, s.signature) && keyOf.get(s.signer) === s.publicKey ? 'valid, enrolled key' : '<span class="warn">NOT VALID</span>'}`,
          )
          .concat(
            (digest ? (recorded.get(`${c.treeSize}/${c.rootHash}`) ?? []) : []).map((r) => {
              const p = r.payload;
              const ok =
                digest !== null &&
                verifyEd25519(String(p['publicKey']), digest, String(p['signature'])) &&
                keyOf.get(String(p['signer'])) === p['publicKey'];
              return `${escapeHtml(String(p['signer']))}: ${ok ? 'valid, enrolled key' : '<span class="warn">NOT VALID</span>'} (record ${escapeHtml(r.seq)})`;
            }),
          )
          .join('<br>');
        return [
          escapeHtml(c.treeSize),
          `<span class="mono">${escapeHtml(c.time)}</span>`,
          code(c.rootHash) + words(c.rootHash),
          problem
            ? `<span class="warn">${escapeHtml(problem)}</span>`
            : `valid (station ${code(c.stationId)})`,
          cos || '—',
        ];
      }),
      'No checkpoint was signed.',
    ),
  );

  const exceptions = records.filter((r) => r.type === 'witness.exception');
  parts.push('<h2>Witness exceptions</h2>');
  parts.push(
    table(
      ['Record', 'Witness', 'Step', 'Exception'],
      exceptions.map((r) => [
        at(r),
        escapeHtml(str(r.payload['witness'])),
        escapeHtml(str(r.payload['stepId'])),
        escapeHtml(str(r.payload['text'])),
      ]),
      'No witness recorded an exception.',
    ),
  );

  const closed = new Set(records.filter((r) => r.type === 'outcome').map((r) => r.payload['intentSeq']));
  const open = records.filter((r) => r.type === 'intent' && !closed.has(r.seq));
  parts.push('<h2>Intents without an outcome</h2>');
  parts.push(
    table(
      ['Record', 'Action', 'Effect'],
      open.map((r) => [at(r), escapeHtml(str(r.payload['action'])), escapeHtml(str(r.payload['effect']))]),
      'Every intent has a recorded outcome.',
    ),
  );

  parts.push('<h2>Timeline</h2>');
  parts.push(timelineTable(records));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyrite audit report</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}
