import { useState, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { capsLockAfter } from './caps-lock.js';

/**
 * The one input every passphrase is typed into (enrollment, confirmations, shares): hidden by default
 * with a show/hide toggle for the person typing, and a warning while Caps Lock is on (caps-lock.ts). Uncontrolled:
 * the text lives in the field alone, never in React state; the form reads it once, as bytes, when it
 * sends it, and empties the field (secret-input.ts). `onInput` says that the text changed, not what it is.
 */
export function PassphraseField({
  id,
  label,
  inputRef,
  onInput,
  describedBy,
  name = 'passphrase',
  isNextAction = false,
  aside,
}: {
  id: string;
  label: string;
  inputRef: RefObject<HTMLInputElement | null>;
  onInput?: () => void;
  describedBy?: string;
  name?: string;
  /** Focus goes here when this field is where the next person acts. */
  isNextAction?: boolean;
  /** A control beside the label (enrollment's "Generate a passphrase"), before the field in Tab order. */
  aside?: ReactNode;
}) {
  const [shown, setShown] = useState(false);
  const [capsLock, setCapsLock] = useState(false);
  // Judged at key down only: a key up repeats the same facts, and Caps Lock's own key up must not toggle again.
  const watchCaps = (e: KeyboardEvent<HTMLInputElement>) => setCapsLock((before) => capsLockAfter(e, before));
  const described = [describedBy, capsLock ? `${id}-caps` : undefined].filter(Boolean).join(' ');
  return (
    <div className="field passphrase-field">
      {aside ? (
        <div className="field-label-row">
          <label htmlFor={id}>{label}</label>
          {aside}
        </div>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      <div className="passphrase-row">
        <input
          id={id}
          data-next-action={isNextAction ? '' : undefined}
          type={shown ? 'text' : 'password'}
          name={name}
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          ref={inputRef}
          defaultValue=""
          onInput={onInput}
          onKeyDown={watchCaps}
          onBlur={() => setCapsLock(false)}
          aria-describedby={described || undefined}
          required
        />
        <button
          type="button"
          className="toggle-visibility"
          aria-pressed={shown}
          aria-controls={id}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? 'Hide' : 'Show'}
          <span className="visually-hidden"> {label.toLowerCase()}</span>
        </button>
      </div>
      {capsLock ? (
        <p className="caps-warning" id={`${id}-caps`} role="status">
          Caps Lock is on.
        </p>
      ) : null}
    </div>
  );
}
