import { useState, type FormEvent } from 'react';

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
  const [custodianId, setCustodianId] = useState(custodians[0]?.id ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);

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
      <label>
        Custodian
        <select value={custodianId} onChange={(e) => setCustodianId(e.target.value)} name="custodian">
          {custodians.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </label>
      <label>
        Passphrase
        <input
          type="password"
          name="passphrase"
          autoComplete="off"
          spellCheck={false}
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          required
        />
      </label>
      <button type="submit" disabled={busy || !custodianId || passphrase === ''}>
        {submitLabel}
      </button>
    </form>
  );
}
