import { useId } from 'react';
import type { KeyMaterialView } from '../../../src-shared/ipc/ceremony-view.js';

/**
 * Every material of a key (AWS symmetric keys keep one per rotation): its id, state, expiry, and which
 * backup shares can import it again. The key is unusable while any of them is missing, so the people
 * who keep the shares need this list as much as the KCV. `source` says where the list comes from (the
 * hand-over's record, or KMS just now) and for which key.
 */
export function KeyMaterials({
  materials,
  title = 'Key materials',
  source,
}: {
  materials: readonly KeyMaterialView[];
  title?: string;
  source?: string;
}) {
  const id = useId();
  return (
    <article className="card key-materials" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {source ? <p className="muted break">{source}</p> : null}
      <table className="records" aria-labelledby={id}>
        <thead>
          <tr>
            <th scope="col">Key material id</th>
            <th scope="col">State</th>
            <th scope="col">Valid to</th>
            <th scope="col">Re-imported by</th>
          </tr>
        </thead>
        <tbody>
          {materials.map((m) => (
            <tr key={m.keyMaterialId}>
              <td className="mono break">{m.keyMaterialId}</td>
              <td>
                {m.state}
                {m.importState === 'PENDING_IMPORT' ? ' (missing: deleted or expired)' : ''}
              </td>
              <td>{m.validTo ?? 'does not expire'}</td>
              <td>{m.reimportedBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
