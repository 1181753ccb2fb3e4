import { verifyLog } from '../../src-shared/audit/verify-log.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import { reimportSource } from '../../src-shared/ceremony/key-materials.js';
import { planCloudKeySpec, planOwner } from '../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import type { AuditStore } from '../audit/audit-store.js';
import { renderReport } from '../audit/report.js';
import { escapeHtml } from '../audit/report-html.js';
import { witnessStatementStatus } from '../audit/report-witnesses.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import type { LogView } from './ceremony-log.js';
import { parseReplicaKeys } from '../../src-shared/ceremony/replica-keys.js';
import type { CeremonyParts } from './ceremony-parts.js';

/** The ceremony's own summary, placed above the audit log's full, verified report. */
function summary(log: LogView, recovery: readonly string[], signatures: ReadonlyMap<number, string>): string {
  const f = log.facts;
  const row = (k: string, v: string | undefined) =>
    v ? `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>` : '';
  const steps = log.state.order
    .map((s) => {
      const by = log.confirmedBy(s);
      const ex = log.exceptions.filter((x) => x.stepId === s);
      return `<tr><td>${escapeHtml(STEP_CATALOGUE[s].title)}</td><td>${escapeHtml(log.state.steps[s])}</td><td>${escapeHtml(by ? by.join(', ') : '')}</td><td>${ex
        .map(
          (x) =>
            `<p><strong>exception by ${escapeHtml(x.witnessId)}</strong> (${escapeHtml(x.at)}): ${escapeHtml(x.text)} <em>— ${escapeHtml(signatures.get(x.seq) ?? '')}</em></p>`,
        )
        .join('')}</td></tr>`;
    })
    .join('\n');
  const owner = planOwner(log.plan);
  const cloud = PROVIDERS[log.plan.target.provider];
  return `
<section class="ceremony-summary">
<h2>Ceremony summary</h2>
<table>
${row('Ceremony', log.ceremonyId)}
${row('Plan', log.plan.name)}
${row('Plan digest (SHA-256)', log.planDigest)}
${row('Plan digest (words)', toWords(log.planDigest))}
${row('Cloud', cloud.cloud)}
${row(owner.kind === 'account' ? 'Account' : 'Project', owner.id)}
${row('Region', log.plan.target.region)}
${row(cloud.keyName.replace(/^k/, 'K'), f.keyArn)}
${row('Key id', f.keyId)}
${parseReplicaKeys(f.replicaKeys)
  .map((r) => row(`Replica in ${r.region}`, r.arn))
  .join('\n')}
${row('Key spec', planCloudKeySpec(log.plan))}
${row('Wrapping', `${log.plan.wrapping.algorithm} / ${log.plan.wrapping.keySpec}`)}
${row('Wrapping key fingerprint', f.wrappingKeyFingerprint)}
${row('KCV', f.kcv ? `${f.kcv} (${f.kcvWords ?? ''})` : undefined)}
${row('Public key fingerprint', f.publicKeyFingerprint)}
${row('Key state', f.keyState)}
${row('Verification', log.stepFacts('verify')?.note)}
${row('Rotation', log.stepFacts('rotate')?.note)}
${row('Quorum', `${log.plan.quorum.m} of ${log.plan.participants.custodians.length}`)}
</table>
<h3>Steps</h3>
<table><tr><th>Step</th><th>Status</th><th>Confirmed by</th><th>Witness exceptions</th></tr>
${steps}
</table>
${signOffs(log, signatures)}
${materialsTable(log)}
${recovery.length > 0 ? `<h3>Recovery account</h3><ul>${recovery.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''}
</section>`;
}

/** Each witness's sign-off and whether its signature verifies against the key they enrolled. */
function signOffs(log: LogView, signatures: ReadonlyMap<number, string>): string {
  if (log.signOffs.length === 0) return '';
  const rows = log.signOffs
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.witnessId)}</td><td>${escapeHtml(s.at)}</td><td>${escapeHtml(signatures.get(s.seq) ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<h3>Witness sign-offs</h3>
<table><tr><th>Witness</th><th>Signed off at</th><th>Signature</th></tr>
${rows}
</table>`;
}

/** Every material of the key as KMS listed it at the hand-over, with the share set that re-imports it. */
function materialsTable(log: LogView): string {
  if (log.keyMaterials.length === 0) return '';
  const own = { ceremonyId: log.ceremonyId, wroteShares: log.plan.backup.shares };
  const rows = log.keyMaterials
    .map(
      (m) =>
        `<tr><td><code>${escapeHtml(m.keyMaterialId)}</code></td><td>${escapeHtml(m.state)}</td><td>${escapeHtml(m.importState ?? '')}</td><td>${escapeHtml(m.expirationModel === 'KEY_MATERIAL_EXPIRES' && m.validTo ? m.validTo : 'does not expire')}</td><td>${escapeHtml(reimportSource(m, own))}</td></tr>`,
    )
    .join('\n');
  return `<h3>Key materials (at the hand-over)</h3>
<table><tr><th>Key material id</th><th>State</th><th>Import state</th><th>Valid to</th><th>Re-imported by</th></tr>
${rows}
</table>`;
}

/** Where the audit report's header ends: after its environment banner, else after its title. */
function afterBanner(html: string): number {
  const banner = html.indexOf('<p class="environment');
  const end = banner >= 0 ? html.indexOf('</p>', banner) : -1;
  if (end >= 0) return end + 4;
  const title = html.indexOf('</h1>');
  return title >= 0 ? title + 5 : -1;
}

/** Writes DIR/report.html (replacing an older one) and returns its size in bytes. */
export function writeReport(p: CeremonyParts, store: AuditStore): number {
  const records = store.records();
  const checkpoints = store.checkpoints();
  const html = renderReport(
    {
      source: p.paths.auditDb,
      generatedAt: p.settings.clock().toISOString(),
      records,
      checkpoints,
      verification: verifyLog({ records, checkpoints }),
    },
    'html',
  );
  // The summary goes under the title and the environment banner, so page 1 says where the ceremony ran.
  const at = afterBanner(html);
  const head = summary(p.log, p.recovery, witnessStatementStatus(records));
  const out = at >= 0 ? html.slice(0, at) + head + html.slice(at) : head + html;
  writeFileAtomic(p.paths.report, out, 0o644);
  return Buffer.byteLength(out);
}
