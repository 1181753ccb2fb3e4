import type { KeyMaterialView } from '../../../src-shared/ipc/ceremony-view.js';

/**
 * Every material of the key as KMS listed it at the hand-over (AWS symmetric keys keep one per
 * rotation): its id, state, expiry, and which backup shares can import it again. The key is unusable
 * while any of them is missing, so the people who keep the shares need this list as much as the KCV.
 */
export function KeyMaterials({ materials }: { materials: readonly KeyMaterialView[] }) {
  return (
    <article className="card key-materials" aria-labelledby="key-materials-title">
      <h2 id="key-materials-title">Key materials</h2>
      <table className="records" aria-labelledby="key-materials-title">
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
