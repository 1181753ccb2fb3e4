import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { Fact } from '../../components/Fact.js';

/**
 * The plan everyone reviewed: open when it is loaded (the digest is read aloud then), folded
 * into one line once the ceremony runs so the step in hand fits the screen. Anyone can unfold it.
 */
export function PlanHeader({ view }: { view: CeremonyView }) {
  // Read aloud when the plan is loaded; by the time the first custodian has enrolled, it has been.
  const read = view.status !== 'enrolling' || view.participants.some((p) => p.enrolled);
  return (
    <details
      className="card plan-header"
      data-testid="plan-header"
      key={read ? 'read' : 'reading'}
      open={!read}
    >
      <summary>
        <span className="plan-summary-title">Plan</span>{' '}
        <span className="plan-summary-words">{view.planDigestWords?.split(' ').slice(0, 4).join(' ')}…</span>
        {view.quorum ? (
          <span className="plan-summary-quorum">
            {' '}
            · quorum {view.quorum.m} of {view.quorum.n}
          </span>
        ) : null}
      </summary>
      <dl className="facts">
        <Fact label="Ceremony" value={view.ceremonyId} />
        <Fact
          label="Plan digest (SHA-256)"
          value={view.planDigest}
          words={view.planDigestWords}
          testId="plan-digest"
        />
      </dl>
      <ul className="participants" aria-label="Participants">
        {view.participants.map((p) => (
          <li key={p.id} className={`participant role-${p.role}`}>
            <span className="participant-name">{p.name}</span> <span className="muted">{p.role}</span>
            {p.role === 'custodian' ? (
              <span className={p.enrolled ? 'badge badge-ok' : 'badge'}>
                {p.enrolled ? 'enrolled' : 'not enrolled'}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </details>
  );
}
