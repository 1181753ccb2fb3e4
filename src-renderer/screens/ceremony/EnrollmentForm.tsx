import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Participant } from '../../../src-shared/ipc/ceremony-view.js';
import { PassphraseField } from '../../components/PassphraseField.js';
import { StrengthMeter, type Verdict } from '../../components/StrengthMeter.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';
import { POLICY_ID, usePassphrasePolicy } from './PassphrasePolicy.js';

/** How long typing must pause before the engine is asked about the passphrase. */
const CHECK_AFTER_MS = 150;

/**
 * Enrollment: the custodian the list shows reads the rule first, then types a passphrase twice, or
 * takes a generated one and types it again. The meter shows the engine's own verdict
 * (passphrase.check); Enroll waits for a passphrase the engine will accept, and the engine checks again
 * when it seals the key. Both fields are cleared as soon as the request is sent, and whenever the
 * custodian shown changes, so a passphrase is only ever sent for the custodian it was typed for.
 */
export function EnrollmentForm({
  pending,
  onEnroll,
}: {
  pending: Participant[];
  onEnroll: (custodianId: string, passphrase: string) => Promise<void>;
}) {
  const policy = usePassphrasePolicy();
  const [chosen, setChosen] = useState(pending[0]?.id ?? '');
  const [first, setFirst] = useState('');
  const [again, setAgain] = useState('');
  const [generated, setGenerated] = useState<{ text: string; words: number; bits: number } | undefined>();
  const [checked, setChecked] = useState<{ text: string; verdict: Verdict | undefined; failed?: string }>();
  const [busy, setBusy] = useState(false);
  const againRef = useRef<HTMLDivElement>(null);
  const ids = useId();
  const custodian = pending.find((c) => c.id === chosen) ?? pending[0];
  const custodianId = custodian?.id;

  // Ask the engine about what is typed now; a late answer for older text is dropped.
  useEffect(() => {
    if (first === '') return;
    let live = true;
    const t = setTimeout(() => {
      void unwrap(api().passphrase.check({ passphrase: first, ...(custodianId ? { custodianId } : {}) }))
        .then((verdict) => live && setChecked({ text: first, verdict }))
        .catch(
          (e: unknown) =>
            live && setChecked({ text: first, verdict: undefined, failed: asFailure(e).message }),
        );
    }, CHECK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [first, custodianId]);

  const current = checked?.text === first ? checked : undefined;
  // If the check itself could not run, the engine still decides at Enroll and says why it refuses.
  const acceptable = current !== undefined && (current.verdict?.acceptable ?? current.failed !== undefined);
  const same = first === again;
  const ready = custodian !== undefined && first !== '' && acceptable && same && !busy;

  function clear() {
    setFirst('');
    setAgain('');
    setGenerated(undefined);
    setChecked(undefined);
  }

  async function generate() {
    if (!custodian) return;
    try {
      const g = await unwrap(api().passphrase.generate({ custodianId: custodian.id }));
      setFirst(g.passphrase);
      setAgain('');
      setGenerated({ text: g.passphrase, words: g.words, bits: g.bits });
      againRef.current?.querySelector('input')?.focus();
    } catch (e) {
      setChecked({ text: first, verdict: undefined, failed: asFailure(e).message });
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!custodian || !ready) return;
    const p = first;
    clear();
    setBusy(true);
    try {
      await onEnroll(custodian.id, p);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="enroll-form" onSubmit={(e) => void submit(e)} data-testid="enroll-form">
      <div className="field">
        <label htmlFor={`${ids}-custodian`}>Custodian</label>
        <select
          id={`${ids}-custodian`}
          name="custodian"
          value={custodian?.id ?? ''}
          onChange={(e) => {
            clear();
            setChosen(e.target.value);
          }}
        >
          {pending.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.id})
            </option>
          ))}
        </select>
      </div>
      <div className="enroll-fields">
        <PassphraseField
          id={`${ids}-passphrase`}
          label="Passphrase"
          value={first}
          onChange={(v) => {
            setFirst(v);
            if (generated && v !== generated.text) setGenerated(undefined);
          }}
          aside={
            <button
              type="button"
              className="small"
              onClick={() => void generate()}
              disabled={busy || !custodian}
            >
              Generate a passphrase
            </button>
          }
          isNextAction
          describedBy={`${POLICY_ID} ${ids}-strength ${generated ? `${ids}-generated` : ''}`.trim()}
        />
        <div ref={againRef}>
          <PassphraseField
            id={`${ids}-again`}
            label="Passphrase again"
            name="passphrase-again"
            value={again}
            onChange={setAgain}
            describedBy={`${ids}-match`}
          />
        </div>
      </div>
      {generated && custodian ? (
        <div id={`${ids}-generated`} className="generated-note">
          {/* The instruction is announced; the words are not read out to the room. */}
          <p role="status">
            Generated for {custodian.name}: {generated.words} random words ({generated.bits} bits). Write them
            down where only you keep them, or learn them now, then type them again below. Keyrite keeps no
            copy.
          </p>
          <p className="generated-words" data-testid="generated-words">
            {generated.text}
          </p>
        </div>
      ) : null}
      <StrengthMeter
        id={`${ids}-strength`}
        verdict={current?.verdict}
        typed={first !== ''}
        minGuessesLog10={policy.data?.minGuessesLog10}
      />
      <p id={`${ids}-match`} className="match-status" role="status" aria-live="polite">
        {current?.failed
          ? `The station could not judge it (${current.failed}); it will check again at Enroll.`
          : first === '' && again === ''
            ? ''
            : again === ''
              ? 'Type it again to check it.'
              : same
                ? 'Both entries match.'
                : 'The two entries differ.'}
      </p>
      <button type="submit" className="primary" disabled={!ready}>
        Enroll
      </button>
    </form>
  );
}
