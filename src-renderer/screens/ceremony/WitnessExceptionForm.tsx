import { useId, useRef, useState, type FormEvent } from 'react';
import type { CeremonyView, StepView } from '../../../src-shared/ipc/ceremony-view.js';
import { api, unwrap } from '../../ipc/client.js';
import { PassphraseField } from '../../components/PassphraseField.js';
import { sendingSecret, takeBytes } from '../../components/secret-input.js';

/**
 * A witness records what they saw go wrong at a step; it goes into the log and the report, signed with
 * the key the witness enrolled (their passphrase is read from the field once, as bytes, and zeroed).
 */
export function WitnessExceptionForm({
  step,
  witnesses,
  act,
}: {
  step: StepView;
  witnesses: { id: string; name: string }[];
  act: (a: () => Promise<CeremonyView | void>) => Promise<void>;
}) {
  const [witnessId, setWitnessId] = useState(witnesses[0]?.id ?? '');
  const [text, setText] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const [filled, setFilled] = useState(false);
  const ids = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    const t = text;
    const bytes = takeBytes(field.current);
    setFilled(false);
    void act(async () => {
      const v = await sendingSecret(bytes, (passphrase) =>
        unwrap(api().ceremony.witnessException({ stepId: step.id, witnessId, text: t, passphrase })),
      );
      setText('');
      return v;
    });
  }
  return (
    <details className="witness-exception">
      <summary>Record a witness exception</summary>
      <form onSubmit={submit} data-testid="exception-form">
        <div className="field">
          <label htmlFor={`${ids}-witness`}>Witness</label>
          <select id={`${ids}-witness`} value={witnessId} onChange={(e) => setWitnessId(e.target.value)}>
            {witnesses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-text`}>What was observed</label>
          <textarea
            id={`${ids}-text`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={2000}
            required
            rows={3}
          />
        </div>
        <PassphraseField
          id={`${ids}-passphrase`}
          label="Witness passphrase"
          name="witness-passphrase"
          inputRef={field}
          onInput={() => setFilled((field.current?.value ?? '') !== '')}
        />
        <button type="submit" disabled={text.trim() === '' || !filled}>
          Record exception
        </button>
      </form>
    </details>
  );
}
