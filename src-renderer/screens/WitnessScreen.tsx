import { Fact } from '../components/Fact.js';
import { Loading } from '../components/Loading.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { QuorumStatus } from '../components/QuorumStatus.js';
import { useCeremony } from '../ipc/use-ceremony.js';
import { knownFacts } from './CeremonyScreen.js';

/**
 * The witness display: a second window facing the room, large type, public facts only — the plan
 * digest, the step under way, the key and fingerprints with their words, the quorum. No forms.
 */
export function WitnessScreen() {
  const { view, error } = useCeremony();
  if (error) return <ErrorNotice error={error} />;
  if (!view) return <Loading what="the ceremony" />;
  const facts = knownFacts(view);
  // The step under way, or once the ceremony is over, the last one that ran.
  const step =
    view.steps.find((s) => s.id === view.currentStepId) ??
    [...view.steps].reverse().find((s) => s.status === 'done') ??
    view.steps[0];
  return (
    <section className="witness" aria-labelledby="witness-title" data-testid="witness-display">
      <h1 id="witness-title">{view.title ?? 'Keyrite ceremony'}</h1>
      {view.status === 'no-plan' ? (
        <p className="witness-idle">No ceremony is loaded on this station.</p>
      ) : null}
      <dl className="facts facts-large">
        <Fact label="Plan digest" value={view.planDigest} words={view.planDigestWords} />
      </dl>
      {step ? (
        <div className="witness-step">
          <h2>
            Step {view.steps.indexOf(step) + 1} of {view.steps.length}: {step.title}{' '}
            <span className={`badge status-${step.status}`}>{step.status}</span>
          </h2>
          <dl className="facts facts-large">
            <Fact label="Key ARN" value={facts.keyArn} />
            <Fact label="Algorithm" value={facts.algorithm} />
            <Fact
              label="Wrapping key fingerprint"
              value={facts.wrappingKeyFingerprint}
              words={facts.wrappingKeyFingerprintWords}
            />
            <Fact label="Key check value" value={facts.kcv} words={facts.kcvWords} />
          </dl>
          {step.guarded && view.quorum ? (
            <QuorumStatus have={step.confirmedBy.length} need={view.quorum.m} of={view.quorum.n} />
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
