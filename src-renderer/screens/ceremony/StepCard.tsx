import { useEffect, useRef, useState } from 'react';
import type { CeremonyView, StepView } from '../../../src-shared/ipc/ceremony-view.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import type { ComponentCheck } from '../../components/ComponentEntry.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { QuorumStatus } from '../../components/QuorumStatus.js';
import { StepFacts } from '../../components/StepFacts.js';
import { api, unwrap } from '../../ipc/client.js';
import { Confirmations } from './Confirmations.js';
import { irreversibility } from './irreversible.js';
import { KeyIdentityCheck, KeyIdentityFacts } from './KeyIdentityReview.js';
import { knownFacts } from './known-facts.js';
import { nextAction } from './next-action.js';
import { PassphrasePolicy } from './PassphrasePolicy.js';
import { StepActions } from './StepActions.js';
import { WitnessExceptionForm } from './WitnessExceptionForm.js';

type Act = (a: () => Promise<CeremonyView | void>) => Promise<void>;

const STATUS: Record<StepView['status'], string> = {
  pending: 'Pending',
  ready: 'Ready',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

/**
 * The step in front of the room: who acts now and what they do, the action itself, what Run will do
 * (and whether it can be undone), then the facts everyone compares. After each action the focus moves
 * to the next one in this card.
 */
export function StepCard({
  view,
  step,
  act,
  error,
  notice,
  onNotice,
  focusToken,
}: {
  view: CeremonyView;
  step: StepView;
  act: Act;
  error: IpcFailure | undefined;
  notice: string | undefined;
  onNotice: (m: string) => void;
  focusToken: number;
}) {
  const card = useRef<HTMLElement>(null);
  const [reviewed, setReviewed] = useState(false);
  const [privateKcv, setPrivateKcv] = useState<ComponentCheck>();
  useEffect(() => setReviewed(false), [step.id]);

  // After each action, focus goes to the next thing to do here, not back to the top of the page.
  useEffect(() => {
    if (focusToken === 0) return;
    const frame = requestAnimationFrame(() => {
      const root = card.current;
      // An error from the action keeps the focus: the person reads it first.
      if (!root || root.querySelector('[data-takes-focus]')) return;
      const next = [...root.querySelectorAll<HTMLElement>('[data-next-action]')].find(
        (e) => !(e as HTMLButtonElement).disabled,
      );
      (next ?? root.querySelector<HTMLElement>('#step-title'))?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [focusToken]);

  const index = view.steps.indexOf(step);
  const need = view.quorum?.m ?? 1;
  const witnesses = view.participants.filter((p) => p.role === 'witness');
  // A failed step is the current one again: the engine runs it anew, so the screen offers a retry.
  const actionable = step.status === 'ready' || step.status === 'failed';
  const quorumMet = !step.guarded || step.confirmedBy.length >= need;
  const needsReview = step.id === 'create-key' && view.keyIdentity?.kind === 'create';
  const canRun =
    actionable && quorumMet && !step.blockedBy && (!needsReview || reviewed) && !view.awaitingComponent;
  const actor = nextAction(view, step);
  const undo = actionable ? irreversibility(view, step.id) : null;
  const describedBy = [step.blockedBy ? 'step-blocked-reason' : '', undo ? 'step-irreversible' : '']
    .filter(Boolean)
    .join(' ');

  return (
    <article
      className={`card step-card status-${step.status}`}
      id="step-card"
      data-testid="step-card"
      aria-labelledby="step-title"
      ref={card}
    >
      <header className="step-head">
        <h2 id="step-title" tabIndex={-1}>
          <span className="step-count">
            Step {index + 1} of {view.steps.length}
          </span>{' '}
          {step.title}
        </h2>
        <span className={`badge status-badge status-${step.status}`}>{STATUS[step.status]}</span>
      </header>
      {actor ? (
        <p className="who-acts" data-testid="who-acts">
          <span className="who-label">Now:</span> <strong>{actor.who}</strong>, {actor.role} — {actor.what}
        </p>
      ) : null}
      {notice ? (
        <p className="notice notice-ok" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} takeFocus /> : null}
      {/* The failure the person just caused is already shown (and focused) above; say it once. */}
      {step.error && !(error && error.code === step.error.code) ? (
        <ErrorNotice
          error={{
            code: step.error.code,
            message: step.error.message,
            hint: step.error.hint ?? 'See the audit log for the full account.',
          }}
        />
      ) : null}
      <div className="step-body">
        <div className="step-action">
          {step.guarded && view.quorum ? (
            <QuorumStatus have={step.confirmedBy.length} need={need} of={view.quorum.n} />
          ) : null}
          <Confirmations list={step.confirmations ?? []} />
          {/* A step of the other station: nothing to do here but carry the medium (the bundle panel). */}
          {step.blockedBy?.code === 'AWAITING_BUNDLE' ? null : (
            <StepActions
              view={view}
              step={step}
              act={act}
              onNotice={onNotice}
              privateKcv={privateKcv}
              onPrivateKcv={setPrivateKcv}
            />
          )}
          {needsReview && actionable && view.keyIdentity ? (
            <KeyIdentityCheck identity={view.keyIdentity} reviewed={reviewed} onReviewed={setReviewed} />
          ) : null}
          {actionable ? (
            <div className="run">
              <p className="on-run">
                <strong>On Run:</strong> {step.description}
              </p>
              {undo ? (
                <p className="notice notice-warn" id="step-irreversible" data-testid="irreversible">
                  <strong>Cannot be undone.</strong> {undo}
                </p>
              ) : null}
              <button
                type="button"
                className="primary"
                disabled={!canRun}
                data-next-action
                aria-describedby={describedBy || undefined}
                onClick={() => void act(() => unwrap(api().ceremony.runStep({ stepId: step.id })))}
              >
                {step.status === 'failed' ? 'Retry this step' : 'Run this step'}
              </button>
            </div>
          ) : null}
        </div>
        <div className="step-facts">
          {actionable && step.blockedBy ? (
            <div className="notice notice-info" data-testid="step-blocked">
              <p className="notice-message" id="step-blocked-reason">
                Not yet: {step.blockedBy.message}.
              </p>
              <p className="notice-hint">{step.blockedBy.hint}</p>
            </div>
          ) : null}
          {needsReview && actionable && view.keyIdentity ? (
            <KeyIdentityFacts identity={view.keyIdentity} />
          ) : step.id === 'enroll' &&
            actionable &&
            step.blockedBy?.code !== 'AWAITING_BUNDLE' &&
            view.participants.some((p) => p.role === 'custodian' && !p.enrolled) ? (
            <PassphrasePolicy />
          ) : (
            <>
              <h3>{step.status === 'done' ? 'What this step did' : 'What this step acts on'}</h3>
              <StepFacts
                facts={step.status === 'done' ? step.facts : knownFacts(view)}
                provider={view.keyIdentity?.provider}
              />
            </>
          )}
        </div>
      </div>
      {step.exceptions.length > 0 ? (
        <>
          <h3>Witness exceptions</h3>
          <ul className="exceptions">
            {step.exceptions.map((x, i) => (
              <li key={i}>
                <strong>{view.participants.find((p) => p.id === x.witnessId)?.name ?? x.witnessId}</strong>{' '}
                <time dateTime={x.at}>{new Date(x.at).toLocaleTimeString()}</time>: {x.text}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {witnesses.length > 0 ? (
        <WitnessExceptionForm key={step.id} step={step} witnesses={witnesses} act={act} />
      ) : null}
    </article>
  );
}
