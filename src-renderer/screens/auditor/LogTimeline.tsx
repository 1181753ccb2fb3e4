import type { AuditWorkspace } from '../../../src-shared/ipc/audit-workspace.js';

const STATUS = { completed: 'Completed', failed: 'Failed', open: 'Not finished' } as const;
const clock = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** The ceremony's steps in the order they ran, with their times and how each ended. */
export function LogTimeline({
  timeline,
  onShowStep,
}: {
  timeline: AuditWorkspace['timeline'];
  onShowStep: (stepId: string) => void;
}) {
  return (
    <article className="card" aria-labelledby="log-timeline-title">
      <h2 id="log-timeline-title">Timeline</h2>
      {timeline.length === 0 ? <p className="muted">No step has started in this log.</p> : null}
      <ol className="log-timeline" aria-label="Steps in the order they ran">
        {timeline.map((t) => (
          <li key={t.stepId} className={`log-timeline-step log-timeline-${t.status}`}>
            <span className="log-timeline-title">{t.title}</span>{' '}
            <span
              className={
                t.status === 'failed'
                  ? 'badge badge-bad'
                  : t.status === 'completed'
                    ? 'badge badge-ok'
                    : 'badge'
              }
            >
              {STATUS[t.status]}
            </span>
            <span className="log-timeline-times">
              <time dateTime={t.startedAt}>{clock(t.startedAt)}</time> –{' '}
              <time dateTime={t.endedAt}>{clock(t.endedAt)}</time>
            </span>
            <span className="muted">
              {t.records} records{t.alerts > 0 ? `, ${t.alerts} needing attention` : ''}
            </span>
            <button type="button" className="small" onClick={() => onShowStep(t.stepId)}>
              Show the records of {t.title}
            </button>
          </li>
        ))}
      </ol>
    </article>
  );
}
