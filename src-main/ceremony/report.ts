import { verifyLog } from '../../src-shared/audit/verify-log.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import { planCloudKeySpec, planOwner } from '../../src-shared/ceremony/plan.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';
import type { AuditStore } from '../audit/audit-store.js';
import { renderReport } from '../audit/report.js';
import { escapeHtml } from '../audit/report-html.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import type { LogView } from './ceremony-log.js';
import type { CeremonyParts } from './ceremony-parts.js';

/** The ceremony's own summary, placed above the audit log's full, verified report. */
function summary(log: LogView, recovery: readonly string[]): string {
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
            `<p><strong>exception by ${escapeHtml(x.witnessId)}</strong> (${escapeHtml(x.at)}): ${escapeHtml(x.text)}</p>`,
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
${row('Key spec', planCloudKeySpec(log.plan))}
${row('Wrapping', `${log.plan.wrapping.algorithm} / ${log.plan.wrapping.keySpec}`)}
${row('Wrapping key fingerprint', f.wrappingKeyFingerprint)}
${row('KCV', f.kcv ? `${f.kcv} (${f.kcvWords ?? ''})` : undefined)}
${row('Public key fingerprint', f.publicKeyFingerprint)}
${row('Key state', f.keyState)}
${row('Verification', log.stepFacts('verify')?.note)}
${row('Quorum', `${log.plan.quorum.m} of ${log.plan.participants.custodians.length}`)}
</table>
<h3>Steps</h3>
<table><tr><th>Step</th><th>Status</th><th>Confirmed by</th><th>Witness exceptions</th></tr>
${steps}
</table>
${recovery.length > 0 ? `<h3>Recovery account</h3><ul>${recovery.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''}
</section>`;
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
  const at = html.indexOf('</h1>');
  const out =
    at >= 0
      ? html.slice(0, at + 5) + summary(p.log, p.recovery) + html.slice(at + 5)
      : summary(p.log, p.recovery) + html;
  writeFileAtomic(p.paths.report, out, 0o644);
  return Buffer.byteLength(out);
}
