import type { KeyMaterialView } from '../../../src-shared/ipc/ceremony-view.js';
import { useOperation } from '../../ipc/use-operation.js';
import { KeyMaterials } from './KeyMaterials.js';

/**
 * The key's materials once the hand-over listed them, asked of KMS when the screen opens and again when
 * someone presses "Ask KMS again" (a material can expire or be deleted after the hand-over) — not on
 * every change of the ceremony view, which would call KMS in every region each time — for every region
 * of a multi-Region key. When KMS cannot be reached, the screen says so and shows the lists the log
 * recorded, labelled as recorded with their time — never an old list passed off as live.
 */
export function LiveKeyMaterials({ recorded }: { recorded: readonly KeyMaterialView[] }) {
  const live = useOperation((k) => k.ceremony.keyMaterials({}));
  const listing = live.data?.listing;
  const again = (
    <p>
      <button type="button" disabled={live.loading} onClick={live.reload}>
        {live.loading ? 'Asking KMS…' : 'Ask KMS again'}
      </button>
    </p>
  );
  if (!listing)
    return (
      <>
        <KeyMaterials
          materials={recorded}
          source={
            live.loading ? 'As recorded at the hand-over; asking KMS…' : 'As recorded at the hand-over.'
          }
        />
        {again}
      </>
    );
  const title = (region: string) =>
    listing.keys.length > 1 ? `Key materials in ${region}` : 'Key materials';
  if (listing.source === 'recorded')
    return (
      <>
        <p role="alert" className="notice notice-warn">
          KMS could not be reached: {listing.unreachable}
        </p>
        {listing.keys.length === 0 ? (
          <KeyMaterials materials={recorded} source="As recorded at the hand-over, not live from KMS." />
        ) : (
          listing.keys.map((k) => (
            <KeyMaterials
              key={k.keyArn}
              title={title(k.region)}
              materials={k.materials}
              source={`As RECORDED in the log at ${listing.at ?? 'an unknown time'} (the hand-over), not live from KMS: ${k.keyArn}`}
            />
          ))
        )}
        {again}
      </>
    );
  return (
    <>
      {listing.keys.map((k) => (
        <KeyMaterials
          key={k.keyArn}
          title={title(k.region)}
          materials={k.materials}
          source={`Live from KMS at ${listing.at ?? ''}: ${k.keyArn} (${k.keyState ?? ''})`}
        />
      ))}
      {again}
    </>
  );
}
