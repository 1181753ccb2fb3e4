import type { IpcFailure } from '../../src-shared/ipc/envelope.js';

/** Every failure shows the same three things: what happened, what to do, and the code to quote. */
export function ErrorNotice({ error }: { error: IpcFailure }) {
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-message">{error.message}</p>
      <p className="notice-hint">{error.hint}</p>
      <p className="notice-code">
        <code>{error.code}</code>
      </p>
    </div>
  );
}
