import { verifyLog } from '../../src-shared/audit/verify-log.js';
import { STEP_CATALOGUE } from '../../src-shared/ceremony/steps.js';
import type { AuditStore } from '../audit/audit-store.js';
import { renderReport } from '../audit/report.js';
import { escapeHtml } from '../audit/report-html.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import type { Runtime } from './runtime.js';
import { words } from './steps/setup-steps.js';

/** The ceremony's own summary, placed above the audit log's full, verified report. */
function summary(rt: Runtime, recovery: readonly string[]): string {
  const f = rt.state.facts;
  const row = (k: string, v: string | undefined) =>
    v ? `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>` : '';
  const steps = rt.state.order
    .map((s) => {
      const by = rt.confirmedBy.get(s);
      const ex = rt.exceptions.filter((x) => x.stepId === s);
      return `<tr><td>${escapeHtml(STEP_CATALOGUE[s].title)}</td><td>${escapeHtml(rt.state.steps[s])}</td><td>${escapeHtml(by ? by.join(', ') : '')}</td><td>${ex
        .map(
          (x) =>
            `<p><strong>exception by ${escapeHtml(x.witnessId)}</strong> (${escapeHtml(x.at)}): ${escapeHtml(x.text)}</p>`,
        )
        .join('')}</td></tr>`;
    })
    .join('\n');
  return `
<section class="ceremony-summary">
<h2>Ceremony summary</h2>
<table>
${row('Ceremony', rt.ceremonyId)}
${row('Plan', rt.plan.name)}
${row('Plan digest (SHA-256)', rt.planDigest)}
${row('Plan digest (words)', words(rt.planDigest))}
${row('Key ARN', f.keyArn)}
${row('Region', rt.plan.target.region)}
${row('Key spec', rt.spec)}
${row('Wrapping', `${rt.plan.wrapping.algorithm} / ${rt.plan.wrapping.keySpec}`)}
${row('Wrapping key fingerprint', f.wrappingKeyFingerprint)}
${row('KCV', f.kcv ? `${f.kcv} (${f.kcvWords ?? ''})` : undefined)}
${row('Public key fingerprint', f.publicKeyFingerprint)}
${row('Key state', f.keyState)}
${row('Verification', rt.stepFacts.get('verify')?.note)}
${row('Quorum', `${rt.plan.quorum.m} of ${rt.plan.participants.custodians.length}`)}
</table>
<h3>Steps</h3>
<table><tr><th>Step</th><th>Status</th><th>Confirmed by</th><th>Witness exceptions</th></tr>
${steps}
</table>
${recovery.length > 0 ? `<h3>Recovery account</h3><ul>${recovery.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''}
</section>`;
}

/** Writes DIR/report.html (replacing an older one) and returns its size in bytes. */
export function writeReport(rt: Runtime, store: AuditStore, recovery: readonly string[]): number {
  const records = store.records();
  const checkpoints = store.checkpoints();
  const html = renderReport(
    {
      source: rt.paths.auditDb,
      generatedAt: rt.opts.clock().toISOString(),
      records,
      checkpoints,
      verification: verifyLog({ records, checkpoints }),
    },
    'html',
  );
  const at = html.indexOf('</h1>');
  const out =
    at >= 0
      ? html.slice(0, at + 5) + summary(rt, recovery) + html.slice(at + 5)
      : summary(rt, recovery) + html;
  writeFileAtomic(rt.paths.report, out, 0o644);
  return Buffer.byteLength(out);
}
