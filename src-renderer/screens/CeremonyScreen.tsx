import { useEffect, useState, type FormEvent } from 'react';
import type { CeremonyView, StepView } from '../../src-shared/ipc/ceremony-view.js';
import { ComponentEntry, PrivateCheckValue } from '../components/ComponentEntry.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Fact } from '../components/Fact.js';
import { Loading } from '../components/Loading.js';
import { PassphraseForm } from '../components/PassphraseForm.js';
import { QuorumStatus } from '../components/QuorumStatus.js';
import { StepFacts } from '../components/StepFacts.js';
import { Timeline } from '../components/Timeline.js';
import { api, unwrap } from '../ipc/client.js';
import { useCeremony } from '../ipc/use-ceremony.js';

/** The administrator's ceremony screen: plan, enrollment, timeline, the step at hand and its quorum. */
export function CeremonyScreen() {
  const { view, error, progress, act } = useCeremony();
  const [selected, setSelected] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [privateKcv, setPrivateKcv] = useState<{ custodianId: string; checkValue: string }>();
  // A notice is about the step it came from; it goes when the ceremony moves on.
  const current = view?.currentStepId;
  useEffect(() => setNotice(undefined), [current]);

  if (!view && !error) return <Loading what="the ceremony" />;
  const step = view?.steps.find((s) => s.id === (selected ?? view.currentStepId)) ?? view?.steps[0];

  return (
    <section aria-labelledby="ceremony-title">
      <h1 id="ceremony-title">{view?.title ?? 'Ceremony'}</h1>
      {error ? <ErrorNotice error={error} /> : null}
      {notice ? (
        <p className="notice notice-ok" role="status">
          {notice}
        </p>
      ) : null}
      {view?.recovery && view.recovery.length > 0 ? (
        <div className="notice notice-info" role="status" data-testid="recovery">
          <p className="notice-message">Reopened after a restart. What Keyrite found and did:</p>
          <ul>
            {view.recovery.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {!view || view.status === 'no-plan' ? (
        <article className="card">
          <h2>Load the reviewed plan</h2>
          <p className="muted">
            The plan's SHA-256 digest is shown as words; read it aloud and compare it with the copy that was
            reviewed.
          </p>
          <button type="button" className="primary" onClick={() => void act(async () => loadPlan())}>
            Choose plan…
          </button>
        </article>
      ) : (
        <>
          <PlanHeader view={view} />
          {view.status === 'enrolling' ? (
            <Enrollment view={view} onEnrolled={(m) => setNotice(m)} act={act} />
          ) : null}
          {privateKcv ? (
            <PrivateCheckValue {...privateKcv} onHide={() => setPrivateKcv(undefined)} />
          ) : view.awaitingComponent ? (
            <ComponentEntry
              key={view.awaitingComponent.custodianId}
              custodianId={view.awaitingComponent.custodianId}
              name={
                view.participants.find((p) => p.id === view.awaitingComponent?.custodianId)?.name ??
                view.awaitingComponent.custodianId
              }
              bytes={view.awaitingComponent.bytes}
              onEntered={setPrivateKcv}
            />
          ) : null}
          <div className="ceremony-layout">
            <Timeline steps={view.steps} selected={step?.id} onSelect={setSelected} />
            {step ? <StepCard view={view} step={step} act={act} onNotice={setNotice} /> : null}
          </div>
          {view.status === 'completed' ? (
            <button
              type="button"
              className="primary"
              onClick={() => void act(async () => saveReport(setNotice))}
            >
              Save the ceremony report…
            </button>
          ) : null}
          {progress.length > 0 ? (
            <article className="card">
              <h2>Progress</h2>
              <ol className="progress-log" aria-live="polite">
                {progress.map((p, i) => (
                  <li key={i}>
                    <time>{p.at}</time> <strong>{p.stepId}</strong> {p.message}
                  </li>
                ))}
              </ol>
            </article>
          ) : null}
        </>
      )}
    </section>
  );
}

async function loadPlan(): Promise<CeremonyView | void> {
  const r = await unwrap(api().ceremony.loadPlan({}));
  return r.status === 'chosen' ? r.value : undefined;
}

async function saveReport(onNotice: (m: string) => void): Promise<void> {
  const r = await unwrap(api().ceremony.report({}));
  onNotice(`Report saved as ${r.fileName} (${r.bytes} bytes).`);
}

function PlanHeader({ view }: { view: CeremonyView }) {
  return (
    <article className="card plan-header" data-testid="plan-header">
      <dl className="facts">
        <Fact label="Ceremony" value={view.ceremonyId} />
        <Fact
          label="Plan digest (SHA-256)"
          value={view.planDigest}
          words={view.planDigestWords}
          testId="plan-digest"
        />
      </dl>
      {view.quorum ? (
        <p>
          Quorum: <strong>{view.quorum.m}</strong> of <strong>{view.quorum.n}</strong> custodians · status{' '}
          <strong>{view.status}</strong>
        </p>
      ) : null}
      <ul className="participants">
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
    </article>
  );
}

function Enrollment({
  view,
  onEnrolled,
  act,
}: {
  view: CeremonyView;
  onEnrolled: (m: string) => void;
  act: (a: () => Promise<CeremonyView | void>) => Promise<void>;
}) {
  const pending = view.participants.filter((p) => p.role === 'custodian' && !p.enrolled);
  if (pending.length === 0) return null;
  return (
    <article className="card">
      <h2>Custodian enrollment</h2>
      <p className="muted">
        Each custodian types a passphrase of their own, unseen by the others. Keyrite creates their signing
        key and seals it with it.
      </p>
      <PassphraseForm
        testId="enroll-form"
        custodians={pending}
        submitLabel="Enroll"
        onSubmit={(custodianId, passphrase) =>
          act(async () => {
            const r = await unwrap(api().ceremony.enroll({ custodianId, passphrase }));
            onEnrolled(`${r.custodianId} enrolled; key fingerprint ${r.publicKeyFingerprint.slice(0, 16)}…`);
          })
        }
      />
    </article>
  );
}

function StepCard({
  view,
  step,
  act,
  onNotice,
}: {
  view: CeremonyView;
  step: StepView;
  act: (a: () => Promise<CeremonyView | void>) => Promise<void>;
  onNotice: (m: string) => void;
}) {
  const custodians = view.participants.filter(
    (p) => p.role === 'custodian' && p.enrolled && !step.confirmedBy.includes(p.id),
  );
  const witnesses = view.participants.filter((p) => p.role === 'witness');
  const need = view.quorum?.m ?? 1;
  // A failed step is the current one again: the engine runs it anew, so the screen offers a retry.
  const actionable = step.status === 'ready' || step.status === 'failed';
  const quorumMet = !step.guarded || step.confirmedBy.length >= need;
  const canRun = actionable && quorumMet && !step.blockedBy;
  return (
    <article className="card step-card" data-testid="step-card" aria-labelledby="step-title">
      <h2 id="step-title">{step.title}</h2>
      <p>{step.description}</p>
      <h3>{step.status === 'done' ? 'What this step did' : 'What this step acts on'}</h3>
      <StepFacts facts={step.status === 'done' ? step.facts : knownFacts(view)} />
      {step.guarded && view.quorum ? (
        <QuorumStatus have={step.confirmedBy.length} need={need} of={view.quorum.n} />
      ) : null}
      {step.error ? (
        <ErrorNotice
          error={{
            code: step.error.code,
            message: step.error.message,
            hint: step.error.hint ?? 'See the audit log for the full account.',
          }}
        />
      ) : null}
      {step.guarded && actionable && step.confirmedBy.length < need && custodians.length > 0 ? (
        <>
          <h3>Custodian confirmation</h3>
          <p className="muted">
            Confirm only after comparing the facts above with what the witnesses read aloud.
          </p>
          <PassphraseForm
            testId="confirm-form"
            custodians={custodians}
            submitLabel="Confirm this step"
            onSubmit={(custodianId, passphrase) =>
              act(async () => {
                const r = await unwrap(api().ceremony.confirm({ stepId: step.id, custodianId, passphrase }));
                onNotice(`${r.custodianId} confirmed (${r.confirmations} of ${r.required}).`);
              })
            }
          />
        </>
      ) : null}
      {step.id === 'generate-material' && actionable && view.materialMode === 'existing-shares' ? (
        <>
          <h3>Rebuild from backup shares</h3>
          <p className="muted">
            {need} custodians open their backup shares from the earlier ceremony with the passphrase they used
            then. The key is rebuilt in memory when the step runs.
          </p>
          <PassphraseForm
            testId="reconstitute-form"
            custodians={view.participants.filter((p) => p.role === 'custodian')}
            submitLabel="Open my backup share"
            onSubmit={(custodianId, passphrase) =>
              act(async () => {
                const r = await unwrap(api().ceremony.openShare({ custodianId, passphrase }));
                onNotice(`${r.custodianId} opened a share of material with check value ${r.checkValue}.`);
              })
            }
          />
        </>
      ) : null}
      {step.id === 'verify-shares' && actionable ? (
        <>
          <h3>Share verification</h3>
          <p className="muted">
            Each custodian opens their own share with their passphrase; Keyrite checks it against the
            commitment recorded when it was written.
          </p>
          <PassphraseForm
            testId="share-form"
            custodians={view.participants.filter(
              (p) => p.role === 'custodian' && p.enrolled && !p.shareVerified,
            )}
            submitLabel="Open and check my share"
            onSubmit={(custodianId, passphrase) =>
              act(async () => {
                const v = await unwrap(api().ceremony.verifyShare({ custodianId, passphrase }));
                onNotice(`${custodianId}'s share opened and matches its commitment.`);
                return v;
              })
            }
          />
        </>
      ) : null}
      {step.id === 'close' && actionable && witnesses.length > 0 ? (
        <>
          <h3>Witness sign-off</h3>
          <div className="signoffs">
            {witnesses.map((w) => (
              <button
                key={w.id}
                type="button"
                onClick={() =>
                  void act(async () => {
                    const v = await unwrap(api().ceremony.witnessSignOff({ witnessId: w.id }));
                    onNotice(`${w.name} signed off.`);
                    return v;
                  })
                }
              >
                Sign off as {w.name}
              </button>
            ))}
          </div>
        </>
      ) : null}
      {actionable && step.blockedBy ? (
        <div className="notice notice-info" role="status" data-testid="step-blocked">
          <p className="notice-message" id="step-blocked-reason">
            Not yet: {step.blockedBy.message}.
          </p>
          <p className="notice-hint">{step.blockedBy.hint}</p>
        </div>
      ) : null}
      {actionable ? (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={!canRun}
            aria-describedby={step.blockedBy ? 'step-blocked-reason' : undefined}
            onClick={() => void act(() => unwrap(api().ceremony.runStep({ stepId: step.id })))}
          >
            {step.status === 'failed' ? 'Retry this step' : 'Run this step'}
          </button>
        </div>
      ) : null}
      {step.exceptions.length > 0 ? (
        <>
          <h3>Witness exceptions</h3>
          <ul className="exceptions">
            {step.exceptions.map((x, i) => (
              <li key={i}>
                <strong>{x.witnessId}</strong> <time>{x.at}</time>: {x.text}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {witnesses.length > 0 ? <WitnessExceptionForm step={step} witnesses={witnesses} act={act} /> : null}
    </article>
  );
}

/** The facts established so far (each completed step's, later ones winning), which the next step acts on. */
export function knownFacts(view: CeremonyView): StepView['facts'] {
  return Object.assign(
    {},
    ...view.steps.filter((s) => s.status === 'done').map((s) => s.facts),
  ) as StepView['facts'];
}

function WitnessExceptionForm({
  step,
  witnesses,
  act,
}: {
  step: StepView;
  witnesses: { id: string; name: string }[];
  act: (a: () => Promise<CeremonyView | void>) => Promise<void>;
}) {
  const [witnessId, setWitnessId] = useState(witnesses[0]?.id ?? '');
  const [text, setText] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    const t = text;
    void act(async () => {
      const v = await unwrap(api().ceremony.witnessException({ stepId: step.id, witnessId, text: t }));
      setText('');
      return v;
    });
  }
  return (
    <details className="witness-exception">
      <summary>Record a witness exception</summary>
      <form onSubmit={submit} data-testid="exception-form">
        <label>
          Witness
          <select value={witnessId} onChange={(e) => setWitnessId(e.target.value)}>
            {witnesses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          What was observed
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={2000}
            required
            rows={3}
          />
        </label>
        <button type="submit" disabled={text.trim() === ''}>
          Record exception
        </button>
      </form>
    </details>
  );
}
