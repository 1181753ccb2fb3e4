import { useEffect, useState } from 'react';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';
import { useOperation } from '../../ipc/use-operation.js';

/**
 * Backup shares to media: each custodian's sealed share goes to a medium of their own, chosen in main's
 * directory dialog. "Safe to remove" is shown only once main has read the copy back, compared its
 * SHA-256 with the digest logged at sealing, checked its envelope and synced it; the log records each
 * copy. Read again with every new ceremony view, so the list follows copies made from any window.
 */
export function ShareMedia({ view }: { view: CeremonyView }) {
  const shares = useOperation((k) => k.ceremony.shareMedia({}));
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<{ custodianId: string; failure: IpcFailure }>();
  const { reload } = shares;
  useEffect(() => reload(), [view, reload]);
  const list = shares.data?.shares ?? [];
  if (list.length === 0) return null;

  async function copy(custodianId: string) {
    setBusy(custodianId);
    setError(undefined);
    try {
      await unwrap(api().ceremony.copyShare({ custodianId }));
    } catch (e) {
      setError({ custodianId, failure: asFailure(e) });
    } finally {
      setBusy(undefined);
      reload();
    }
  }

  return (
    <article className="card share-media" aria-labelledby="share-media-title">
      <h2 id="share-media-title">Backup shares to media</h2>
      <p className="muted">
        One medium per custodian. Keyrite writes the sealed share, reads it back, compares its SHA-256 with
        the log and syncs it before saying the medium is safe to remove. The station keeps its own copy.
      </p>
      <ul className="share-media-list">
        {list.map((s) => (
          <li key={s.custodianId} aria-label={`${s.name}'s share`}>
            <div className="share-media-who">
              <strong>{s.name}</strong> <span className="muted">({s.custodianId})</span>
            </div>
            {s.state === 'safe-to-remove' ? (
              <p className="notice notice-ok" role="status">
                Safe to remove: <code>{s.fileName}</code> verified (SHA-256{' '}
                <code>{(s.sha256 ?? '').slice(0, 16)}…</code>) and synced.
              </p>
            ) : (
              <p className="muted">On the station only.</p>
            )}
            <button type="button" disabled={busy !== undefined} onClick={() => void copy(s.custodianId)}>
              {busy === s.custodianId
                ? 'Copying…'
                : s.state === 'safe-to-remove'
                  ? `Copy again for ${s.name}…`
                  : `Copy to ${s.name}'s medium…`}
            </button>
            {error?.custodianId === s.custodianId ? <ErrorNotice error={error.failure} takeFocus /> : null}
          </li>
        ))}
      </ul>
    </article>
  );
}
