import type { CeremonyView, StepView } from '../../../src-shared/ipc/ceremony-view.js';
import { ComponentEntry, PrivateCheckValue, type ComponentCheck } from '../../components/ComponentEntry.js';
import { PassphraseForm } from '../../components/PassphraseForm.js';
import { api, unwrap } from '../../ipc/client.js';
import { EnrollmentForm } from './EnrollmentForm.js';
import { unconfirmedCustodians } from './next-action.js';

type Act = (a: () => Promise<CeremonyView | void>) => Promise<void>;

/**
 * What people do at a step before it runs: enroll, confirm, enter a component, open or check a
 * share, sign off. Only the action the step is waiting for is shown.
 */
export function StepActions({
  view,
  step,
  act,
  onNotice,
  privateKcv,
  onPrivateKcv,
}: {
  view: CeremonyView;
  step: StepView;
  act: Act;
  onNotice: (m: string) => void;
  privateKcv: ComponentCheck | undefined;
  onPrivateKcv: (c: ComponentCheck | undefined) => void;
}) {
  const custodians = view.participants.filter((p) => p.role === 'custodian');
  const witnesses = view.participants.filter((p) => p.role === 'witness');
  const need = view.quorum?.m ?? 1;
  const actionable = step.status === 'ready' || step.status === 'failed';
  const nameOf = (id: string) => view.participants.find((p) => p.id === id)?.name ?? id;

  if (privateKcv) return <PrivateCheckValue {...privateKcv} onHide={() => onPrivateKcv(undefined)} />;
  if (view.awaitingComponent && step.id === 'generate-material') {
    const c = view.awaitingComponent;
    return (
      <ComponentEntry
        key={c.custodianId}
        custodianId={c.custodianId}
        name={nameOf(c.custodianId)}
        bytes={c.bytes}
        onEntered={onPrivateKcv}
      />
    );
  }
  if (!actionable) return null;

  if (step.id === 'enroll') {
    // Custodians enroll first, then witnesses (whose key signs their sign-off and exceptions).
    const custodiansPending = custodians.filter((p) => !p.enrolled);
    const pending = custodiansPending.length > 0 ? custodiansPending : witnesses.filter((p) => !p.enrolled);
    if (pending.length === 0) return null;
    return (
      <EnrollmentForm
        key={custodiansPending.length > 0 ? 'custodians' : 'witnesses'}
        role={custodiansPending.length > 0 ? 'Custodian' : 'Witness'}
        pending={pending}
        onEnroll={(custodianId, passphrase) =>
          act(async () => {
            const r = await unwrap(api().ceremony.enroll({ custodianId, passphrase }));
            onNotice(
              `${nameOf(r.custodianId)} (${r.custodianId}) enrolled; key fingerprint ${r.publicKeyFingerprint.slice(0, 16)}…`,
            );
          })
        }
      />
    );
  }

  const unconfirmed = unconfirmedCustodians(view, step);
  if (step.guarded && step.confirmedBy.length < need && unconfirmed.length > 0) {
    return (
      <PassphraseForm
        key={step.id}
        testId="confirm-form"
        done="confirmed this step"
        custodians={unconfirmed}
        submitLabel="Confirm this step"
        onSubmit={(custodianId, passphrase) =>
          act(async () => {
            const r = await unwrap(api().ceremony.confirm({ stepId: step.id, custodianId, passphrase }));
            onNotice(
              `${nameOf(r.custodianId)} (${r.custodianId}) confirmed (${r.confirmations} of ${r.required}).`,
            );
          })
        }
      />
    );
  }

  if (step.id === 'generate-material' && view.materialMode === 'existing-shares') {
    return (
      <>
        <p className="muted">
          {need} custodians open their backup shares from the earlier ceremony with the passphrase they used
          then. The key is rebuilt in memory when the step runs.
        </p>
        <PassphraseForm
          testId="reconstitute-form"
          done="opened their share"
          custodians={custodians}
          submitLabel="Open my backup share"
          onSubmit={(custodianId, passphrase) =>
            act(async () => {
              const r = await unwrap(api().ceremony.openShare({ custodianId, passphrase }));
              onNotice(`${r.custodianId} opened a share of material with check value ${r.checkValue}.`);
            })
          }
        />
      </>
    );
  }

  if (step.id === 'verify-shares') {
    const unchecked = custodians.filter((p) => p.enrolled && !p.shareVerified);
    if (unchecked.length === 0) return null;
    return (
      <>
        <p className="muted">
          Each custodian opens their own share with their passphrase; Keyrite checks it against the commitment
          recorded when it was written.
        </p>
        <PassphraseForm
          testId="share-form"
          done="checked their share"
          custodians={unchecked}
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
    );
  }

  if (step.id === 'close') {
    const unsigned = witnesses.filter((w) => !w.signedOffAt);
    if (unsigned.length === 0) return null;
    return (
      <div className="signoffs">
        {/* Each witness signs off with the key they enrolled: their passphrase, sent as bytes. */}
        {unsigned.map((w) => (
          <PassphraseForm
            key={w.id}
            custodians={[w]}
            role="Witness"
            done="signed off"
            submitLabel={`Sign off as ${w.name}`}
            testId={`signoff-${w.id}`}
            onSubmit={(witnessId, passphrase) =>
              act(async () => {
                const v = await unwrap(api().ceremony.witnessSignOff({ witnessId, passphrase }));
                onNotice(`${w.name} signed off.`);
                return v;
              })
            }
          />
        ))}
      </div>
    );
  }
  return null;
}
