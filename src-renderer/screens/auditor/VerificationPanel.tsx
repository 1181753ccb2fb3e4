import { useState, type FormEvent } from 'react';
import type { AuditWorkspace } from '../../../src-shared/ipc/audit-workspace.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Fact } from '../../components/Fact.js';

/**
 * What the auditor must see before reading any record: whether the log verified, which station signed
 * it (fingerprint in hex and words, to compare with the one the station shows), what no signature
 * covers, and who enrolled which key. Pinning a fingerprint verifies the same file again against it.
 */
export function VerificationPanel({
  workspace,
  onPin,
}: {
  workspace: AuditWorkspace;
  onPin: (stations: string[]) => Promise<IpcFailure | undefined>;
}) {
  const v = workspace.verification;
  const [pin, setPin] = useState('');
  const [pinError, setPinError] = useState<IpcFailure>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setPinError(await onPin(pin.trim() === '' ? [] : [pin.trim()]));
    setBusy(false);
  }

  return (
    <article className="card verification" aria-labelledby="verification-title" data-testid="verification">
      <h2 id="verification-title">Verification of {workspace.fileName}</h2>
      {v.intact ? (
        <p className="verdict verdict-ok" role="status">
          Intact: {v.records} records, {v.checkpoints} signed checkpoints
        </p>
      ) : (
        <div className="verdict verdict-bad" role="alert">
          <p>FAILED verification{v.firstBad && v.firstBad.seq > 0 ? ` at record ${v.firstBad.seq}` : ''}</p>
          <p className="verdict-detail">{v.firstBad?.reason}</p>
          {v.firstBad?.asStored ? (
            <p className="verdict-detail">
              As stored: {v.firstBad.asStored.type} by {v.firstBad.asStored.actor} at{' '}
              {v.firstBad.asStored.time}
            </p>
          ) : null}
          <p className="verdict-detail">Nothing in this log can be trusted from that point on.</p>
        </div>
      )}
      {v.unsealedTail ? (
        <p className="notice notice-warn" data-testid="unsealed-tail">
          Unsealed tail: records {v.unsealedTail.from}–{v.unsealedTail.to} ({v.unsealedTail.count}) follow the
          newest checkpoint. No station signature covers them; whoever could write the file could have added
          or changed them.
        </p>
      ) : v.intact ? (
        <p className="notice notice-ok">Every record is covered by a signed checkpoint.</p>
      ) : null}
      {workspace.unreadable ? (
        <p className="notice notice-error">
          Record {workspace.unreadable.seq} cannot be read ({workspace.unreadable.problem}); the records
          before it are listed below.
        </p>
      ) : null}
      {v.warnings.map((w) => (
        <p key={w} className="notice notice-warn">
          {w}
        </p>
      ))}
      <dl className="facts">
        <Fact label="Merkle root" value={v.rootHash} words={v.rootWords} testId="root" />
      </dl>
      {v.stations.length > 0 ? (
        <>
          <h3>Station keys the log declares</h3>
          <ul className="stations">
            {v.stations.map((s) => (
              <li key={`${s.seq}-${s.fingerprint}`} data-testid="station">
                <dl className="facts">
                  <Fact
                    label={`Station ${s.stationId} (record ${s.seq}${s.introducedBy ? `, introduced by ${s.introducedBy}` : ''})`}
                    value={s.fingerprint}
                    words={s.fingerprintWords}
                  />
                </dl>
                {v.pins.length > 0 ? (
                  <p className={s.trusted ? 'badge badge-ok' : 'badge badge-bad'}>
                    {s.trusted ? 'Trusted: pinned, or introduced by a pinned station' : 'Not trusted'}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {v.pins.length === 0 ? (
        <p className="muted">
          No station pinned: compare the fingerprint above with the one the station shows, or pin it below.
        </p>
      ) : v.intact ? (
        <p className="notice notice-ok" role="status">
          The newest checkpoint is signed by the station you pinned.
        </p>
      ) : null}
      <form className="pin-form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="pin-station">Station key fingerprint, as the station shows it</label>
          <input
            id="pin-station"
            className="mono"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <button type="submit" disabled={busy}>
          {pin.trim() === '' && v.pins.length > 0 ? 'Remove the pin' : 'Verify against this station'}
        </button>
      </form>
      {pinError ? <ErrorNotice error={pinError} takeFocus /> : null}
      {v.participantKeys.length > 0 ? (
        <>
          <h3>Keys enrolled in the log</h3>
          <table className="records">
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Key fingerprint</th>
              </tr>
            </thead>
            <tbody>
              {v.participantKeys.map((k) => (
                <tr key={k.seq}>
                  <td>{k.seq}</td>
                  <td>{k.name}</td>
                  <td>{k.role}</td>
                  <td className="mono break">{k.fingerprint}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </article>
  );
}
