import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { api, unwrap } from '../../ipc/client.js';

/**
 * The completed ceremony's report, saved as HTML or PDF where the person chooses (the dialog is main's),
 * and the way to the next ceremony: a plan on a single or online station; on the offline station, whose
 * ceremonies start from a request, the offline start (`onNextOffline`).
 */
export function ReportActions({
  onNotice,
  act,
  onNextOffline,
}: {
  onNotice: (m: string) => void;
  act: (a: () => Promise<CeremonyView | void>) => Promise<void>;
  onNextOffline?: () => void;
}) {
  return (
    <article className="card report-actions" aria-labelledby="report-title">
      <h2 id="report-title">Ceremony report</h2>
      <p className="muted">
        Derived from the signed log: every step, every confirmation and exception, the checkpoints.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="primary"
          data-next-action
          onClick={() =>
            void act(async () => {
              const r = await unwrap(api().ceremony.report({}));
              onNotice(`Report saved as ${r.fileName} (${r.bytes} bytes).`);
            })
          }
        >
          Save the ceremony report…
        </button>
        <button
          type="button"
          onClick={() =>
            void act(async () => {
              const r = await unwrap(api().ceremony.reportPdf({}));
              if (r.status === 'chosen')
                onNotice(
                  `Report saved as ${r.value.fileName} (${r.value.bytes} bytes, SHA-256 ${r.value.sha256.slice(0, 16)}…); the log records this copy.`,
                );
            })
          }
        >
          Save as PDF…
        </button>
        {onNextOffline ? (
          <button type="button" onClick={onNextOffline}>
            Start the next ceremony…
          </button>
        ) : (
          <button
            type="button"
            onClick={() =>
              void act(async () => {
                const r = await unwrap(api().ceremony.loadPlan({}));
                return r.status === 'chosen' ? r.value : undefined;
              })
            }
          >
            Load the next plan…
          </button>
        )}
      </div>
    </article>
  );
}
