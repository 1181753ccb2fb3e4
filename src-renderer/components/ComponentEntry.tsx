import { useRef, useState, type FormEvent } from 'react';
import type { IpcFailure } from '../../src-shared/ipc/envelope.js';
import { OperationFailed, api, asFailure, unwrap } from '../ipc/client.js';
import { ErrorNotice } from './ErrorNotice.js';
import { hexBytes, sendingSecret } from './secret-input.js';

export interface ComponentCheck {
  custodianId: string;
  checkValue: string;
}

/**
 * Split knowledge: the custodian the station is waiting for types their component (hex). The field is
 * read once when it is sent, decoded to bytes (main refuses text), emptied, and the bytes zeroed once
 * main has answered; the reply is that component's check value, which the screen shows
 * to this custodian (PrivateCheckValue) until they hide it, before the next custodian's turn.
 */
export function ComponentEntry({
  custodianId,
  name,
  bytes,
  onEntered,
}: {
  custodianId: string;
  name: string;
  bytes: number;
  onEntered: (r: ComponentCheck) => void;
}) {
  const field = useRef<HTMLInputElement>(null);
  // How many hex digits are typed, not which.
  const [digits, setDigits] = useState(0);
  const [error, setError] = useState<IpcFailure>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = field.current;
    const typed = hexBytes((input?.value ?? '').trim());
    if (input) input.value = '';
    setDigits(0);
    setBusy(true);
    setError(undefined);
    try {
      if (!typed)
        throw new OperationFailed({
          code: 'COMPONENT_FORMAT',
          message: `A component is ${bytes * 2} hex digits.`,
          hint: 'Check the component and enter it again.',
        });
      onEntered(
        await sendingSecret(typed, (component) =>
          unwrap(api().ceremony.enterComponent({ custodianId, component })),
        ),
      );
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="component-entry" data-testid="component-entry">
      <h3>Component for {name}</h3>
      <p className="muted">
        {name} types their key component ({bytes} bytes, {bytes * 2} hex digits) unseen by the others. Keyrite
        combines the components in memory; nobody ever sees the whole key.
      </p>
      <form className="passphrase-form" onSubmit={(e) => void submit(e)}>
        <label>
          Component (hex)
          <input
            type="password"
            name="component"
            data-next-action
            autoComplete="off"
            spellCheck={false}
            pattern="[0-9a-fA-F]*"
            maxLength={bytes * 2}
            ref={field}
            defaultValue=""
            onInput={() => setDigits((field.current?.value ?? '').trim().length)}
            required
          />
        </label>
        <button type="submit" className="primary" disabled={busy || digits !== bytes * 2}>
          Enter component
        </button>
      </form>
      {error ? <ErrorNotice error={error} takeFocus /> : null}
    </div>
  );
}

/** One custodian's component check value, on screen until they hide it; the next turn waits. */
export function PrivateCheckValue({
  custodianId,
  checkValue,
  onHide,
}: ComponentCheck & { onHide: () => void }) {
  return (
    <div className="notice notice-info" role="status" data-testid="component-kcv">
      <p className="notice-message">
        For {custodianId} only — others look away. Component check value: <code>{checkValue}</code>
      </p>
      <button type="button" onClick={onHide} data-next-action>
        I have compared it; hide it
      </button>
    </div>
  );
}
