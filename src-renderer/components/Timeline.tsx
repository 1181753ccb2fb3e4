import type { StepView } from '../../src-shared/ipc/ceremony-view.js';

const label: Record<StepView['status'], string> = {
  pending: 'Pending',
  ready: 'Ready',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

/** The ceremony's steps in order; the selected one is shown in detail beside it. */
export function Timeline({
  steps,
  selected,
  onSelect,
}: {
  steps: StepView[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}) {
  return (
    <nav aria-label="Ceremony steps">
      <ol className="timeline">
        {steps.map((s, i) => (
          <li
            key={s.id}
            className={`timeline-step status-${s.status} ${s.id === selected ? 'selected' : ''}`}
          >
            <button
              type="button"
              onClick={() => onSelect(s.id)}
              aria-current={s.id === selected ? 'step' : undefined}
            >
              <span className="timeline-index">{i + 1}</span>
              <span className="timeline-title">{s.title}</span>
              <span className="timeline-status">
                {label[s.status]}
                {s.guarded ? ' · quorum' : ''}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
