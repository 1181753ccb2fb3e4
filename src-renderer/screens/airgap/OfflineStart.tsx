import { useId, useState } from 'react';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { MediumPicker, type MediumChoice } from '../../components/MediumPicker.js';
import { api, unwrap } from '../../ipc/client.js';
import { NO_SIGNATURE } from './ConsoleRequest.js';
import { PeerFingerprintField } from './PeerFingerprintField.js';

type Source = 'bundle' | 'console';

/**
 * The offline station starts from a request: the signed bundle the online station wrote (the medium it
 * came on, the online station's fingerprint as read aloud, optional), or a request from the AWS console
 * or CLI (ImportParameters.zip or the CLI's JSON, chosen in main's dialog: unsigned, and said so); then
 * the reviewed plan in main's dialog.
 */
export function OfflineStart({ act }: { act: (a: () => Promise<CeremonyView | void>) => Promise<void> }) {
  const name = useId();
  const [source, setSource] = useState<Source>('bundle');
  const [medium, setMedium] = useState<MediumChoice>();
  const [peer, setPeer] = useState('');
  const start = async (): Promise<CeremonyView | void> => {
    if (!medium) return;
    const r = await unwrap(
      api().ceremony.startOffline({ medium, ...(peer.trim() ? { peerStation: peer } : {}) }),
    );
    return r.status === 'chosen' ? r.value : undefined;
  };
  const startFromConsole = async (): Promise<CeremonyView | void> => {
    const r = await unwrap(api().ceremony.startOfflineFromConsole({}));
    return r.status === 'chosen' ? r.value : undefined;
  };
  const sources: [Source, string][] = [
    ['bundle', 'The request bundle the online station wrote (signed)'],
    ['console', "A request from the AWS console or CLI (ImportParameters.zip or the CLI's JSON)"],
  ];
  return (
    <div className="offline-start" data-testid="offline-start">
      <fieldset>
        <legend>Where the request comes from</legend>
        {sources.map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name={name}
              value={value}
              checked={source === value}
              onChange={() => setSource(value)}
            />
            <span>{label}</span>
          </label>
        ))}
      </fieldset>
      {source === 'bundle' ? (
        <>
          <h3>Read the request bundle</h3>
          <MediumPicker value={medium} onChange={setMedium} forWriting={false} />
          <PeerFingerprintField peer="online" value={peer} onChange={setPeer} />
          <button type="button" className="primary" disabled={!medium} onClick={() => void act(start)}>
            Choose plan and read the request…
          </button>
        </>
      ) : (
        <>
          <h3>Read a request from the AWS console or CLI</h3>
          <p className="notice notice-warn" data-testid="console-unsigned">
            {NO_SIGNATURE}
          </p>
          <p className="muted">
            The plan must name the key the console created (target.key.existing). Keyrite checks the request
            against it, records it (or its refusal) in this station's log, and writes the response as the
            console's files with the exact aws kms import-key-material command.
          </p>
          <button type="button" className="primary" onClick={() => void act(startFromConsole)}>
            Choose the request file and the plan…
          </button>
        </>
      )}
    </div>
  );
}
