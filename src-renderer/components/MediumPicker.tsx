import { useEffect, useId } from 'react';
import type { z } from 'zod';
import type { mediumChoice } from '../../src-shared/ipc/station-contract.js';
import { useOperation } from '../ipc/use-operation.js';
import { Loading } from './Loading.js';

export type MediumChoice = z.input<typeof mediumChoice>;

/** The value of the "folder chosen by hand" option: never a volume id (those start with "vol-"). */
const BY_HAND = 'folder';

/**
 * Where a bundle goes or comes from: the removable drives main found (looked for again on request), or
 * a folder chosen by hand in main's dialog, which is always offered. Read-only drives cannot take a write.
 */
export function MediumPicker({
  value,
  onChange,
  forWriting,
}: {
  value: MediumChoice | undefined;
  onChange: (m: MediumChoice) => void;
  forWriting: boolean;
}) {
  const volumes = useOperation((k) => k.media.volumes({}));
  const name = useId();
  const list = volumes.data?.volumes ?? [];
  const selected = value === undefined ? undefined : 'volumeId' in value ? value.volumeId : BY_HAND;
  // The first usable drive is the likely choice; without one, the folder by hand. A choice the list no
  // longer shows (the drive was pulled, or is read-only now that a bundle is written) is chosen again.
  // What is checked on screen is computed here, in the same render, and the effect only tells the
  // screen that holds the choice: what is sent is always what is checked.
  const usable = (v: (typeof list)[number]) => !(forWriting && v.readOnly);
  const shown = selected === BY_HAND || list.some((v) => v.id === selected && usable(v));
  const fallback = volumes.loading ? undefined : (list.find(usable)?.id ?? BY_HAND);
  const checked = selected !== undefined && shown ? selected : fallback;
  useEffect(() => {
    if (checked === undefined || checked === selected) return;
    onChange(checked === BY_HAND ? { folder: true } : { volumeId: checked });
  }, [checked, selected, onChange]);

  return (
    <fieldset className="medium-picker">
      <legend>Medium</legend>
      {volumes.loading ? <Loading what="removable drives" /> : null}
      {!volumes.loading && list.length === 0 ? <p className="muted">No removable drive is mounted.</p> : null}
      {volumes.data?.problem ? <p className="muted">Removable drives: {volumes.data.problem}.</p> : null}
      {list.map((v) => (
        <label key={v.id} className="radio">
          <input
            type="radio"
            name={name}
            value={v.id}
            checked={checked === v.id}
            disabled={forWriting && v.readOnly}
            onChange={() => onChange({ volumeId: v.id })}
          />
          <span>
            Removable drive <strong>{v.label}</strong>{' '}
            <span className="muted">
              ({v.mountPoint}
              {v.fileSystem ? `, ${v.fileSystem}` : ''}
              {v.readOnly ? ', read-only' : ''})
            </span>
          </span>
        </label>
      ))}
      <label className="radio">
        <input
          type="radio"
          name={name}
          value={BY_HAND}
          checked={checked === BY_HAND}
          onChange={() => onChange({ folder: true })}
        />
        <span>A folder chosen by hand…</span>
      </label>
      <button type="button" className="ghost" onClick={volumes.reload}>
        Look for removable drives again
      </button>
    </fieldset>
  );
}
