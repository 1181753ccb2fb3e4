import { useId } from 'react';

/**
 * The other station's fingerprint as its room reads it aloud. Optional: empty, the station that signed
 * the first bundle is pinned, and its fingerprint is shown for the room to compare.
 */
export function PeerFingerprintField({
  peer,
  value,
  onChange,
}: {
  peer: 'online' | 'offline';
  value: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>The {peer} station's fingerprint, as its room reads it (optional)</label>
      <input
        id={id}
        type="text"
        className="mono"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-hint`}
      />
      <p className="muted" id={`${id}-hint`}>
        64 hexadecimal digits; spaces are fine. Left empty, the station that signed the bundle is pinned and
        its fingerprint shown below for you to compare aloud.
      </p>
    </div>
  );
}
