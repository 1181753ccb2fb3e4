import { useEffect, useState } from 'react';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import type { ResponseOf } from '../../../src-shared/ipc/contract.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Fact } from '../../components/Fact.js';
import { MediumPicker, type MediumChoice } from '../../components/MediumPicker.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';
import { useOperation } from '../../ipc/use-operation.js';
import { PeerFingerprintField } from './PeerFingerprintField.js';
import { asSentences } from './sentence.js';
import { ConsoleRequestFacts, ConsoleResponseWritten, NO_SIGNATURE } from './ConsoleRequest.js';

type Act = (a: () => Promise<CeremonyView | void>) => Promise<void>;
type Written = Extract<ResponseOf<'bundle.write'>, { status: 'chosen' }>['value'];
type Accepted = Extract<ResponseOf<'bundle.read'>, { status: 'chosen' }>['value'];
type Outcome = { written: Written } | { accepted: Accepted } | { refused: IpcFailure };

const KIND = { request: 'request', response: 'response' } as const;

/**
 * The medium between the two rooms of an air-gapped ceremony: both stations' fingerprints (this one,
 * and the other once pinned), the bundle due now — written (atomic, read back, synced, then "Safe to
 * remove") or read (verified, with the verdict in words and every refusal's reason and remedy) — and
 * every bundle's digest as words to compare aloud with the other room.
 */
export function BundlePanel({ view, act }: { view: CeremonyView; act: Act }) {
  const state = useOperation((k) => k.bundle.state({}));
  const { reload } = state;
  useEffect(() => reload(), [view, reload]);
  const [medium, setMedium] = useState<MediumChoice>();
  const [peer, setPeer] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const s = state.data;
  if (!s?.role) return null;
  const other = s.role === 'online' ? 'offline' : 'online';
  const due = s.due;
  const writing = due === 'write-request' || due === 'write-response';
  const kind = due === 'write-request' || due === 'read-request' ? 'request' : 'response';

  const fromConsole = s.consoleRequest !== undefined;
  const readConsole = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await unwrap(api().bundle.readConsoleRequest({}));
    } catch (e) {
      setOutcome({ refused: asSentences(asFailure(e)) });
    } finally {
      setBusy(false);
      await act(() => unwrap(api().ceremony.state({})));
    }
  };

  const run = async () => {
    if (!medium) return;
    setBusy(true);
    setOutcome(undefined);
    try {
      if (writing) {
        const r = await unwrap(api().bundle.write({ medium }));
        if (r.status === 'chosen') setOutcome({ written: r.value });
      } else {
        const r = await unwrap(
          api().bundle.read({ medium, ...(peer.trim() && !s.peer ? { peerStation: peer } : {}) }),
        );
        if (r.status === 'chosen') setOutcome({ accepted: r.value });
      }
    } catch (e) {
      setOutcome({ refused: asSentences(asFailure(e)) });
    } finally {
      setBusy(false);
      await act(() => unwrap(api().ceremony.state({})));
    }
  };

  return (
    <article className="card bundle-panel" aria-labelledby="bundle-title" data-testid="bundle-panel">
      <h2 id="bundle-title">Bundles between the rooms</h2>
      <dl className="facts">
        <Fact label={`This station (${s.role})`} value={s.station?.hex} words={s.station?.words} />
        {s.peer ? (
          <Fact
            label={`Pinned ${other} station`}
            value={s.peer.hex}
            words={s.peer.words}
            testId="pinned-peer"
          />
        ) : null}
      </dl>
      {!s.peer && !fromConsole ? (
        <p className="muted">
          The {other} station is not pinned yet: the first bundle read from it pins the station that signed
          it.
        </p>
      ) : null}
      {s.consoleRequest ? <ConsoleRequestFacts request={s.consoleRequest} /> : null}
      {outcome ? <OutcomeNotice outcome={outcome} other={other} /> : null}
      {due === 'read-request' && s.role === 'offline' && s.accepted.length === 0 ? (
        <div className="bundle-due" data-testid="console-read">
          <h3>Or: a request from the AWS console or CLI</h3>
          <p className="muted">{NO_SIGNATURE}</p>
          <button type="button" disabled={busy} onClick={() => void readConsole()}>
            Read a request from the AWS console or CLI…
          </button>
        </div>
      ) : null}
      {due ? (
        <div className="bundle-due" data-testid="bundle-due">
          <h3>
            {writing
              ? fromConsole && kind === 'response'
                ? 'Write the response for the AWS console'
                : `Write the ${KIND[kind]} bundle`
              : `Read the ${KIND[kind]} bundle`}
          </h3>
          <p className="muted">
            {writing && fromConsole
              ? 'Keyrite writes EncryptedKeyMaterial.bin, ImportToken.bin and a README.txt as a new folder (never replacing anything), reads them back, and syncs the medium before saying it is safe to remove. Then carry it to where the AWS console or CLI runs.'
              : writing
                ? `Keyrite writes it as a new folder (never replacing anything), reads it back and verifies it, and syncs the medium before saying it is safe to remove. Then carry it to the ${other} station.`
                : `Keyrite checks sizes, the ${other} station's signature, every file's SHA-256, the sequence and expiry, and that it belongs to this ceremony and plan, before anything in it is used.`}
          </p>
          <MediumPicker value={medium} onChange={setMedium} forWriting={writing} />
          {!writing && !s.peer ? <PeerFingerprintField peer={other} value={peer} onChange={setPeer} /> : null}
          <button type="button" className="primary" disabled={!medium || busy} onClick={() => void run()}>
            {busy
              ? 'Working…'
              : writing
                ? fromConsole && kind === 'response'
                  ? 'Write the response for the AWS console'
                  : `Write the ${kind} bundle`
                : `Read the ${kind} bundle`}
          </button>
        </div>
      ) : null}
      <BundleList state={s} other={other} />
    </article>
  );
}

function OutcomeNotice({ outcome, other }: { outcome: Outcome; other: string }) {
  if ('refused' in outcome)
    return (
      <div data-testid="bundle-refused">
        <ErrorNotice error={outcome.refused} takeFocus />
        <p className="notice notice-warn">
          Nothing from this bundle was used. The refusal is in this station's log.
        </p>
      </div>
    );
  if ('written' in outcome) {
    const w = outcome.written;
    if (w.console) return <ConsoleResponseWritten written={w} console={w.console} />;
    return (
      <div className="notice notice-ok" role="status" data-testid="bundle-written">
        <p className="notice-message">
          Safe to remove: the {w.kind} bundle number {w.sequence} is on {w.medium} ({w.directoryName}), read
          back, verified and synced. Carry it to the {other} station.
        </p>
        <dl className="facts">
          <Fact label="Bundle digest" value={w.digest} words={w.digestWords} />
        </dl>
      </div>
    );
  }
  const a = outcome.accepted;
  return (
    <div className="notice notice-ok" role="status" data-testid="bundle-accepted">
      <p className="notice-message">
        The {a.kind} bundle number {a.sequence} is valid: signed by the {other} station
        {a.pinned ? ' (now pinned)' : ' pinned earlier'}, every file as its signed manifest lists it, for this
        ceremony and plan, not a replay and not expired.
      </p>
      <dl className="facts">
        <Fact label={`Signed by the ${other} station`} value={a.station.hex} words={a.station.words} />
        <Fact label="Bundle digest" value={a.digest} words={a.digestWords} />
      </dl>
      <p className="notice-hint">Compare the digest aloud with the {other} room before going on.</p>
    </div>
  );
}

function BundleList({ state, other }: { state: ResponseOf<'bundle.state'>; other: string }) {
  const rows = [
    ...state.written.map((b) => ({ ...b, where: 'written here' })),
    ...state.accepted.map((b) => ({ ...b, where: `read from the ${other} station` })),
  ];
  if (rows.length === 0) return null;
  return (
    <>
      <h3>Bundles of this ceremony</h3>
      <dl className="facts" data-testid="bundle-list">
        {rows.map((b) => (
          <Fact
            key={`${b.kind}-${b.sequence}-${b.where}`}
            label={`${b.kind === 'request' ? 'Request' : 'Response'} bundle ${b.sequence}, ${b.where}`}
            value={b.digest ?? 'not confirmed written'}
            words={b.digestWords}
          />
        ))}
      </dl>
    </>
  );
}
