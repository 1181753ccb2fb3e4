import { useEffect, useRef } from 'react';
import type { IpcFailure } from '../../src-shared/ipc/envelope.js';

/**
 * Every failure shows the same three things: what happened, what to do, and the code to quote. A
 * failure caused by what the person just did takes the focus, so they hear and see it at once.
 */
export function ErrorNotice({ error, takeFocus = false }: { error: IpcFailure; takeFocus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus) ref.current?.focus();
  }, [takeFocus, error]);
  return (
    <div
      className="notice notice-error"
      role="alert"
      tabIndex={-1}
      ref={ref}
      data-takes-focus={takeFocus ? '' : undefined}
    >
      <p className="notice-message">{error.message}</p>
      <p className="notice-hint">{error.hint}</p>
      <p className="notice-code">
        <code>{error.code}</code>
      </p>
    </div>
  );
}
