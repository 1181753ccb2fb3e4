import type { CeremonyView, StepView } from '../../src-shared/ipc/ceremony-view.js';
import { CompareValue } from '../components/CompareValue.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Loading.js';
import { keyNameLabel } from '../components/cloud-terms.js';
import { QuorumStatus } from '../components/QuorumStatus.js';
import { useCeremony } from '../ipc/use-ceremony.js';
import { knownFacts } from './ceremony/known-facts.js';
import { BundleDigests } from './airgap/BundleDigests.js';
import { nextAction } from './ceremony/next-action.js';

/**
 * The witness display: a second window facing the room, type that scales with the window, public facts
 * only — the step under way and its status, who has confirmed and who acts next, the values to compare
 * aloud, witness exceptions. "Look away" while a component is typed; "Ceremony complete" at the end.
 */
export function WitnessScreen() {
  const { view, error } = useCeremony();
  if (error) return <ErrorNotice error={error} />;
  if (!view) return <Loading what="the ceremony" />;
  if (view.status === 'no-plan')
    return (
      <section className="witness" aria-labelledby="witness-title" data-testid="witness-display">
        <h1 id="witness-title">Keyrite witness display</h1>
        <p className="witness-idle">No ceremony is loaded on this station.</p>
      </section>
    );
  if (view.awaitingComponent) return <LookAway view={view} />;
  if (view.status === 'completed') return <Complete view={view} />;
  // The step under way, or the last one that ran.
  const step =
    view.steps.find((s) => s.id === view.currentStepId) ??
    [...view.steps].reverse().find((s) => s.status === 'done') ??
    view.steps[0];
  const facts = knownFacts(view);
  const actor = step ? nextAction(view, step) : null;
  return (
    <section className="witness" aria-labelledby="witness-title" data-testid="witness-display">
      <header className="witness-head">
        <h1 id="witness-title">{view.title ?? 'Keyrite ceremony'}</h1>
      </header>
      {step ? (
        <div className="witness-step" data-testid="witness-step">
          <p className="witness-step-count">
            Step {view.steps.indexOf(step) + 1} of {view.steps.length}
          </p>
          <h2 className="witness-step-title">
            {step.title} <span className={`badge status-badge status-${step.status}`}>{step.status}</span>
          </h2>
          {actor ? (
            <p className="witness-next" data-testid="witness-next">
              Next: <strong>{actor.who}</strong>, {actor.role} — {actor.what}
            </p>
          ) : null}
          {step.guarded && view.quorum ? (
            <QuorumStatus have={step.confirmedBy.length} need={view.quorum.m} of={view.quorum.n} />
          ) : null}
          {(step.confirmations ?? []).length > 0 ? (
            <p className="witness-confirmed">
              Confirmed by{' '}
              {(step.confirmations ?? []).map((c, i) => (
                <span key={c.custodianId}>
                  {i > 0 ? ', ' : ''}
                  <strong>{c.name}</strong>
                  {c.at ? <> at {new Date(c.at).toLocaleTimeString()}</> : null}
                </span>
              ))}
            </p>
          ) : null}
        </div>
      ) : null}
      <dl className="compare-list">
        <CompareValue label="Plan digest" value={view.planDigest} words={view.planDigestWords} />
        <CompareValue label={keyNameLabel(view.keyIdentity?.provider)} value={facts.keyArn} />
        <CompareValue
          label="Wrapping key fingerprint"
          value={facts.wrappingKeyFingerprint}
          words={facts.wrappingKeyFingerprintWords}
        />
        <CompareValue label="Key check value" value={facts.kcv} words={facts.kcvWords} />
      </dl>
      <BundleDigests view={view} />
      <Exceptions view={view} steps={view.steps} />
    </section>
  );
}

function Exceptions({ view, steps }: { view: CeremonyView; steps: StepView[] }) {
  const all = steps.flatMap((s) => s.exceptions.map((x) => ({ ...x, step: s.title })));
  if (all.length === 0) return null;
  return (
    <section className="witness-exceptions" aria-labelledby="witness-exceptions-title">
      <h2 id="witness-exceptions-title">Witness exceptions</h2>
      <ul>
        {all.map((x, i) => (
          <li key={i}>
            <strong>{view.participants.find((p) => p.id === x.witnessId)?.name ?? x.witnessId}</strong> at{' '}
            {x.step}: {x.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

function LookAway({ view }: { view: CeremonyView }) {
  const who = view.participants.find((p) => p.id === view.awaitingComponent?.custodianId)?.name;
  return (
    <section
      className="witness witness-full witness-look-away"
      aria-labelledby="witness-title"
      data-testid="witness-display"
    >
      <h1 id="witness-title">Look away</h1>
      <p className="witness-full-text">
        <strong>{who ?? 'A custodian'}</strong> is entering a key component. Only they look at the station.
      </p>
    </section>
  );
}

function Complete({ view }: { view: CeremonyView }) {
  const facts = knownFacts(view);
  return (
    <section
      className="witness witness-full witness-complete"
      aria-labelledby="witness-title"
      data-testid="witness-display"
    >
      <h1 id="witness-title">Ceremony complete</h1>
      <p className="witness-full-text">{view.title}</p>
      <dl className="compare-list">
        <CompareValue label={keyNameLabel(view.keyIdentity?.provider)} value={facts.keyArn} />
        <CompareValue label="Key check value" value={facts.kcv} words={facts.kcvWords} />
      </dl>
      <Exceptions view={view} steps={view.steps} />
    </section>
  );
}
