import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Participant } from '../../../src-shared/ipc/ceremony-view.js';
import { PassphraseField } from '../../components/PassphraseField.js';
import { StrengthMeter, type Verdict } from '../../components/StrengthMeter.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';
import { peekBytes, sendingSecret, takeBytes } from '../../components/secret-input.js';
import { POLICY_ID, usePassphrasePolicy } from './PassphrasePolicy.js';
import { usePinnedCustodian } from '../../components/pinned-custodian.js';

/** How long typing must pause before the engine is asked about the passphrase. */
const CHECK_AFTER_MS = 150;

/**
 * Enrollment: the custodian the list shows reads the rule first, then types a passphrase twice, or
 * takes a generated one and types it again. The meter shows the engine's own verdict
 * (passphrase.check); Enroll waits for a passphrase the engine will accept, and the engine checks again
 * when it seals the key. Both fields are cleared as soon as the request is sent, and whenever the
 * custodian shown changes, so a passphrase is only ever sent for the custodian it was typed for. The
 * passphrase stays in the fields (uncontrolled) and crosses to main as bytes only.
 */
export function EnrollmentForm({
  pending,
  onEnroll,
  role = 'Custodian',
}: {
  pending: Participant[];
  onEnroll: (custodianId: string, passphrase: Uint8Array) => Promise<void>;
  /** Who enrolls here: custodians, then witnesses (the same passphrase rule and form). */
  role?: 'Custodian' | 'Witness';
}) {
  const policy = usePassphrasePolicy();
  // The passphrase lives in the two fields only; React keeps what the screen needs to say about it.
  const firstField = useRef<HTMLInputElement>(null);
  const againField = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState({ version: 0, first: false, again: false, same: true });
  const [generated, setGenerated] = useState<{ text: string; words: number; bits: number } | undefined>();
  const [checked, setChecked] = useState<{
    version: number;
    verdict: Verdict | undefined;
    failed?: string;
  }>();
  const [busy, setBusy] = useState(false);
  const againRef = useRef<HTMLDivElement>(null);
  const ids = useId();
  // Whom the form is for stays put while others enroll elsewhere (usePinnedCustodian); if this
  // custodian enrolls elsewhere, what was typed for them is cleared unsent.
  const pin = usePinnedCustodian(
    pending,
    'enrolled',
    typed.first || typed.again || generated !== undefined,
    () => clear(),
  );
  const custodian = pin.shown;
  const custodianId = custodian?.id;

  /** Looks at the fields after a keystroke: filled, matching; the text itself is not kept. */
  function refresh(firstChanged: boolean) {
    const a = firstField.current?.value ?? '';
    const b = againField.current?.value ?? '';
    setTyped((t) => ({
      version: firstChanged ? t.version + 1 : t.version,
      first: a !== '',
      again: b !== '',
      same: a === b,
    }));
    if (firstChanged && generated && a !== generated.text) setGenerated(undefined);
  }

  // Ask the engine about what is typed now (as bytes, read from the field when the typing pauses); a
  // late answer for older text is dropped.
  useEffect(() => {
    if (!typed.first) return;
    let live = true;
    const version = typed.version;
    const t = setTimeout(() => {
      void sendingSecret(peekBytes(firstField.current), (passphrase) =>
        unwrap(api().passphrase.check({ passphrase, ...(custodianId ? { custodianId } : {}) })),
      )
        .then((verdict) => live && setChecked({ version, verdict }))
        .catch(
          (e: unknown) => live && setChecked({ version, verdict: undefined, failed: asFailure(e).message }),
        );
    }, CHECK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [typed.version, typed.first, custodianId]);

  const current = checked?.version === typed.version && typed.first ? checked : undefined;
  // If the check itself could not run, the engine still decides at Enroll and says why it refuses.
  const acceptable = current !== undefined && (current.verdict?.acceptable ?? current.failed !== undefined);
  const ready = custodian !== undefined && typed.first && acceptable && typed.same && !busy;

  function clear() {
    if (firstField.current) firstField.current.value = '';
    if (againField.current) againField.current.value = '';
    setTyped((t) => ({ version: t.version + 1, first: false, again: false, same: true }));
    setGenerated(undefined);
    setChecked(undefined);
  }

  async function generate() {
    if (!custodian) return;
    try {
      const g = await unwrap(api().passphrase.generate({ custodianId: custodian.id }));
      // Shown to this custodian to write down, so it is text on screen anyway; the field gets it too.
      if (firstField.current) firstField.current.value = g.passphrase;
      if (againField.current) againField.current.value = '';
      setGenerated({ text: g.passphrase, words: g.words, bits: g.bits });
      setTyped((t) => ({ version: t.version + 1, first: true, again: false, same: false }));
      againRef.current?.querySelector('input')?.focus();
    } catch (e) {
      setChecked({ version: typed.version, verdict: undefined, failed: asFailure(e).message });
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!custodian || !ready) return;
    const bytes = takeBytes(firstField.current);
    pin.sending(custodian.id);
    clear();
    setBusy(true);
    try {
      await sendingSecret(bytes, (b) => onEnroll(custodian.id, b));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="enroll-form" onSubmit={(e) => void submit(e)} data-testid="enroll-form">
      <div className="field">
        <label htmlFor={`${ids}-custodian`}>{role}</label>
        <select
          id={`${ids}-custodian`}
          name="custodian"
          value={custodian?.id ?? ''}
          onChange={(e) => {
            clear();
            pin.choose(e.target.value);
          }}
        >
          {pending.map((c) => (
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
      <div className="enroll-fields">
        <PassphraseField
          id={`${ids}-passphrase`}
          label="Passphrase"
          inputRef={firstField}
          onInput={() => refresh(true)}
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
            inputRef={againField}
            onInput={() => refresh(false)}
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
        typed={typed.first}
        minGuessesLog10={policy.data?.minGuessesLog10}
      />
      <p id={`${ids}-match`} className="match-status" role="status" aria-live="polite">
        {current?.failed
          ? `The station could not judge it (${current.failed}); it will check again at Enroll.`
          : !typed.first && !typed.again
            ? ''
            : !typed.again
              ? 'Type it again to check it.'
              : typed.same
                ? 'Both entries match.'
                : 'The two entries differ.'}
      </p>
      <button type="submit" className="primary" disabled={!ready}>
        Enroll
      </button>
    </form>
  );
}
