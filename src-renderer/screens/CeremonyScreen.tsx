import { useCallback, useEffect, useState } from 'react';
import type { CeremonyView } from '../../src-shared/ipc/ceremony-view.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Loading } from '../components/Loading.js';
import { Timeline } from '../components/Timeline.js';
import { api, unwrap } from '../ipc/client.js';
import { useCeremony } from '../ipc/use-ceremony.js';
import { PlanHeader } from './ceremony/PlanHeader.js';
import { ReportActions } from './ceremony/ReportActions.js';
import { ShareMedia } from './ceremony/ShareMedia.js';
import { LiveKeyMaterials } from './ceremony/LiveKeyMaterials.js';
import { PlanOutputs } from './ceremony/PlanOutputs.js';
import { StepCard } from './ceremony/StepCard.js';
import { BundlePanel } from './airgap/BundlePanel.js';
import { OfflineStart } from './airgap/OfflineStart.js';
import { StationRoleCard } from './airgap/StationRoleCard.js';
import { useOperation } from '../ipc/use-operation.js';

/** The administrator's ceremony screen: the plan, the timeline, and the step in front of the room. */
export function CeremonyScreen() {
  const { view, error, progress, act } = useCeremony();
  const [selected, setSelected] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [focusToken, setFocusToken] = useState(0);
  const station = useOperation((k) => k.station.role({}));
  // The offline station's next ceremony starts from a request, not from a plan alone: after one is
  // completed, "Start the next ceremony…" brings the offline start back (for the ceremony it was asked
  // in; a started ceremony has another id, and its own screens).
  const [nextAfter, setNextAfter] = useState<string>();
  useEffect(() => {
    if (nextAfter !== undefined) document.getElementById('step-title')?.focus();
  }, [nextAfter]);
  // A notice is about the step it came from; it goes when the ceremony moves on, and so does a choice
  // of another step in the timeline (the room follows the step under way).
  const current = view?.currentStepId;
  useEffect(() => {
    setNotice(undefined);
    setSelected(undefined);
  }, [current]);

  /** Every action: run it, then move the focus to whatever comes next. */
  const actThenFocus = useCallback(
    async (action: () => Promise<CeremonyView | void>) => {
      await act(action);
      setFocusToken((t) => t + 1);
    },
    [act],
  );

  if (!view && !error) return <Loading what="the ceremony" />;
  // The offline start for the next ceremony, asked for after this one completed.
  const startingNext =
    nextAfter !== undefined && view?.status === 'completed' && view.ceremonyId === nextAfter;
  const step = view?.steps.find((s) => s.id === (selected ?? view.currentStepId)) ?? view?.steps.at(-1);
  // A split ceremony waiting on the medium: the bundle to write or read comes before the step it unblocks.
  const awaitingBundle =
    view?.steps.find((s) => s.id === view.currentStepId)?.blockedBy?.code === 'AWAITING_BUNDLE';
  // Keyed by ceremony: the next ceremony on this station starts with an empty panel, never with the
  // previous one's typed fingerprint (its bundle would then be refused as from an unknown station).
  const bundles = view ? (
    <BundlePanel key={`bundles-${view.ceremonyId ?? ''}`} view={view} act={actThenFocus} />
  ) : null;
  const card =
    view && step ? (
      <StepCard
        key="step"
        view={view}
        step={step}
        act={actThenFocus}
        error={error}
        notice={notice}
        onNotice={setNotice}
        focusToken={focusToken}
      />
    ) : null;

  return (
    <section aria-labelledby="ceremony-title" className="ceremony">
      <h1 id="ceremony-title">{startingNext ? 'Ceremony' : (view?.title ?? 'Ceremony')}</h1>
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
      {!view || view.status === 'no-plan' || startingNext ? (
        <article className="card" id="step-card">
          <h2 id="step-title" tabIndex={-1}>
            Load the reviewed plan
          </h2>
          {error ? <ErrorNotice error={error} takeFocus /> : null}
          <StationRoleCard station={station} />
          <p className="muted">
            The plan's SHA-256 digest is shown as words; read it aloud and compare it with the copy that was
            reviewed.
          </p>
          {station.data?.role === 'offline' ? (
            <OfflineStart act={actThenFocus} />
          ) : (
            <button type="button" className="primary" onClick={() => void actThenFocus(loadPlan)}>
              Choose plan…
            </button>
          )}
        </article>
      ) : (
        <>
          <PlanHeader view={view} />
          <div className="ceremony-layout">
            <Timeline steps={view.steps} selected={step?.id} onSelect={setSelected} />
            <div className="ceremony-main">
              {/* One keyed list, so the panel keeps its state (the outcome shown) when it moves. */}
              {awaitingBundle ? [bundles, card] : [card, bundles]}
              {view.status === 'completed' ? (
                <ReportActions
                  onNotice={setNotice}
                  act={actThenFocus}
                  {...(station.data?.role === 'offline'
                    ? { onNextOffline: () => setNextAfter(view.ceremonyId ?? '') }
                    : {})}
                />
              ) : null}
              {view.steps.some((s) => s.id === 'backup-shares' && s.status === 'done') ? (
                <ShareMedia view={view} />
              ) : null}
              {view.keyMaterials ? <LiveKeyMaterials recorded={view.keyMaterials} /> : null}
              {view.outputs ? <PlanOutputs outputs={view.outputs} /> : null}
              {progress.length > 0 ? (
                <details className="card progress">
                  <summary>Progress ({progress.length})</summary>
                  <ol className="progress-log">
                    {progress.map((p, i) => (
                      <li key={i}>
                        <time>{p.at}</time> <strong>{p.stepId}</strong> {p.message}
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

async function loadPlan(): Promise<CeremonyView | void> {
  const r = await unwrap(api().ceremony.loadPlan({}));
  return r.status === 'chosen' ? r.value : undefined;
}
