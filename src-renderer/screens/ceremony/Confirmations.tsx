import type { ConfirmationView } from '../../../src-shared/ipc/ceremony-view.js';

/** Confirmations by name and time, in the order they were given. */
export function Confirmations({ list }: { list: ConfirmationView[] }) {
  if (list.length === 0) return null;
  return (
    <ul className="confirmations" aria-label="Confirmed by">
      {list.map((c) => (
        <li key={c.custodianId}>
          <span aria-hidden="true">✓ </span>
          <strong>{c.name}</strong>
          {c.at ? (
            <>
              {' '}
              at <time dateTime={c.at}>{new Date(c.at).toLocaleTimeString()}</time>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
