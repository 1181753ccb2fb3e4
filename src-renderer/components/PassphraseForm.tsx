import { useId, useState, type FormEvent } from 'react';
import { PassphraseField } from './PassphraseField.js';

/**
 * Collects a custodian's passphrase for main and forgets it: the field is cleared as soon as the
 * request is sent, and nothing here keeps it after that. Main never sends it back.
 */
export function PassphraseForm({
  custodians,
  submitLabel,
  onSubmit,
  testId,
}: {
  custodians: { id: string; name: string }[];
  submitLabel: string;
  onSubmit: (custodianId: string, passphrase: string) => Promise<void>;
  testId: string;
}) {
  const [chosen, setChosen] = useState(custodians[0]?.id ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  // The form sends exactly the custodian the list shows: when the one chosen leaves the list (they
  // enrolled or confirmed), the list shows its first entry, and so does what is sent.
  const custodianId = custodians.some((c) => c.id === chosen) ? chosen : (custodians[0]?.id ?? '');
  const ids = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = passphrase;
    setPassphrase('');
    setBusy(true);
    try {
      await onSubmit(custodianId, p);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="passphrase-form" onSubmit={(e) => void submit(e)} data-testid={testId}>
      <div className="field">
        <label htmlFor={`${ids}-custodian`}>Custodian</label>
        <select
          id={`${ids}-custodian`}
          value={custodianId}
          onChange={(e) => setChosen(e.target.value)}
          name="custodian"
        >
          {custodians.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </div>
      <PassphraseField
        id={`${ids}-passphrase`}
        label="Passphrase"
        value={passphrase}
        onChange={setPassphrase}
        isNextAction
      />
      <button type="submit" disabled={busy || !custodianId || passphrase === ''}>
        {submitLabel}
      </button>
    </form>
  );
}
