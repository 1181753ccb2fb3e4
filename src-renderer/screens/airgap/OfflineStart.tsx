import { useState } from 'react';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { MediumPicker, type MediumChoice } from '../../components/MediumPicker.js';
import { api, unwrap } from '../../ipc/client.js';
import { PeerFingerprintField } from './PeerFingerprintField.js';

/**
 * The offline station starts from the request bundle the online station wrote: the medium it came on,
 * the online station's fingerprint as read aloud (optional), then the reviewed plan in main's dialog.
 */
export function OfflineStart({ act }: { act: (a: () => Promise<CeremonyView | void>) => Promise<void> }) {
  const [medium, setMedium] = useState<MediumChoice>();
  const [peer, setPeer] = useState('');
  const start = async (): Promise<CeremonyView | void> => {
    if (!medium) return;
    const r = await unwrap(
      api().ceremony.startOffline({ medium, ...(peer.trim() ? { peerStation: peer } : {}) }),
    );
    return r.status === 'chosen' ? r.value : undefined;
  };
  return (
    <div className="offline-start" data-testid="offline-start">
      <h3>Read the request bundle</h3>
      <MediumPicker value={medium} onChange={setMedium} forWriting={false} />
      <PeerFingerprintField peer="online" value={peer} onChange={setPeer} />
      <button type="button" className="primary" disabled={!medium} onClick={() => void act(start)}>
        Choose plan and read the request…
      </button>
    </div>
  );
}
