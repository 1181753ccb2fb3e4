import { useEffect } from 'react';
import type { CeremonyView } from '../../../src-shared/ipc/ceremony-view.js';
import { CompareValue } from '../../components/CompareValue.js';
import { useOperation } from '../../ipc/use-operation.js';

/**
 * The witness display of a split ceremony: both stations' fingerprints and every bundle's digest as
 * words, which the witnesses of the two rooms compare aloud (the same digest must be "written" in one
 * room and "read" in the other).
 */
export function BundleDigests({ view }: { view: CeremonyView }) {
  const state = useOperation((k) => k.bundle.state({}));
  const { reload } = state;
  useEffect(() => reload(), [view, reload]);
  const s = state.data;
  if (!s?.role) return null;
  const other = s.role === 'online' ? 'offline' : 'online';
  return (
    <section
      className="witness-bundles"
      aria-labelledby="witness-bundles-title"
      data-testid="witness-bundles"
    >
      <h2 id="witness-bundles-title">Compare with the {other} room</h2>
      <dl className="compare-list">
        <CompareValue label={`This station (${s.role})`} value={s.station?.hex} words={s.station?.words} />
        <CompareValue label={`Pinned ${other} station`} value={s.peer?.hex} words={s.peer?.words} />
        {s.written.map((b) => (
          <CompareValue
            key={`w-${b.kind}-${b.sequence}`}
            label={`${b.kind === 'request' ? 'Request' : 'Response'} bundle ${b.sequence}, written here`}
            value={b.digest}
            words={b.digestWords}
          />
        ))}
        {s.accepted.map((b) => (
          <CompareValue
            key={`a-${b.kind}-${b.sequence}`}
            label={`${b.kind === 'request' ? 'Request' : 'Response'} bundle ${b.sequence}, read here`}
            value={b.digest}
            words={b.digestWords}
          />
        ))}
      </dl>
    </section>
  );
}
