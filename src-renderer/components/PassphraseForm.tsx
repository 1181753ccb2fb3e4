import { useId, useRef, useState, type FormEvent } from 'react';
import type { Participant } from '../../src-shared/ipc/ceremony-view.js';
import { PassphraseField } from './PassphraseField.js';
import { usePinnedCustodian } from './pinned-custodian.js';
import { sendingSecret, takeBytes } from './secret-input.js';

type Attempts = NonNullable<Participant['passphraseAttempts']>;

/** Where the custodian stands at this step, in words: the plan's tries left, or the wrong ones so far. */
function attemptsText(name: string, a: Attempts): string {
  const wrong = a.wrong === 0 ? '' : ` (${a.wrong} wrong so far)`;
  if (a.remaining === undefined)
    return `${name} typed a wrong passphrase ${a.wrong === 1 ? 'once' : `${a.wrong} times`} at this step; each one doubles the wait before the next try.`;
  if (a.remaining === 0)
    return `${name} has no passphrase attempts left at this step${wrong}. Another custodian acts.`;
  return `${name}: ${a.remaining} passphrase ${a.remaining === 1 ? 'attempt' : 'attempts'} left at this step${wrong}.`;
}

/**
 * Collects a custodian's passphrase for main and forgets it: read once from the field as bytes, the
 * field emptied as the request is sent, the bytes zeroed when main answers. Main never sends it back.
 */
export function PassphraseForm({
  custodians,
  submitLabel,
  onSubmit,
  testId,
  role = 'Custodian',
  done,
}: {
  custodians: { id: string; name: string; passphraseAttempts?: Attempts | undefined }[];
  submitLabel: string;
  onSubmit: (custodianId: string, passphrase: Uint8Array) => Promise<void>;
  testId: string;
  /** Who types here (the list's label): custodians, or a witness signing what they state. */
  role?: 'Custodian' | 'Witness';
  /** What a person has done once they leave this form's list, in the past tense ("confirmed this step"). */
  done: string;
}) {
  const field = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const [busy, setBusy] = useState(false);
  // The form sends exactly the custodian it shows, and shows the same custodian for as long as they
  // are waiting: another window confirming changes the list, never whom this form is for.
  const pin = usePinnedCustodian(custodians, done, filled, () => {
    if (field.current) field.current.value = '';
    setFilled(false);
  });
  const chosenOne = pin.shown;
  const custodianId = chosenOne?.id ?? '';
  const ids = useId();
  const attempts = chosenOne?.passphraseAttempts;
  const exhausted = attempts?.remaining === 0;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const bytes = takeBytes(field.current);
    pin.sending(custodianId);
    setFilled(false);
    setBusy(true);
    try {
      await sendingSecret(bytes, (b) => onSubmit(custodianId, b));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="passphrase-form" onSubmit={(e) => void submit(e)} data-testid={testId}>
      <div className="field">
        <label htmlFor={`${ids}-custodian`}>{role}</label>
        <select
          id={`${ids}-custodian`}
          value={custodianId}
          onChange={(e) => pin.choose(e.target.value)}
          name="custodian"
        >
          {custodians.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </div>
      {pin.notice ? (
        <p className="notice notice-info" role="status" data-testid="list-changed">
          {pin.notice}
        </p>
      ) : null}
      {attempts && chosenOne ? (
        <p className="muted attempts" id={`${ids}-attempts`} role="status">
          {attemptsText(chosenOne.name, attempts)}
        </p>
      ) : null}
      <PassphraseField
        id={`${ids}-passphrase`}
        label="Passphrase"
        inputRef={field}
        onInput={() => setFilled((field.current?.value ?? '') !== '')}
        {...(attempts ? { describedBy: `${ids}-attempts` } : {})}
        isNextAction
      />
      <button type="submit" disabled={busy || !custodianId || !filled || exhausted}>
        {submitLabel}
      </button>
    </form>
  );
}
