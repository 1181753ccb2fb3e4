import { useEffect } from 'react';
import type { CeremonyView, KeyMaterialView } from '../../../src-shared/ipc/ceremony-view.js';
import { useOperation } from '../../ipc/use-operation.js';
import { KeyMaterials } from './KeyMaterials.js';

/**
 * The key's materials once the hand-over listed them, asked of KMS again each time the ceremony view
 * changes (a material can expire or be deleted after the hand-over), for every region of a multi-Region
 * key. When KMS cannot be reached, the screen says so and shows the list the log recorded, labelled as
 * recorded with its time — never an old list passed off as live.
 */
export function LiveKeyMaterials({
  view,
  recorded,
}: {
  view: CeremonyView;
  recorded: readonly KeyMaterialView[];
}) {
  const live = useOperation((k) => k.ceremony.keyMaterials({}));
  const { reload } = live;
  useEffect(() => reload(), [view, reload]);
  const listing = live.data?.listing;
  if (!listing)
    return (
      <KeyMaterials
        materials={recorded}
        source={live.loading ? 'As recorded at the hand-over; asking KMS…' : 'As recorded at the hand-over.'}
      />
    );
  if (listing.source === 'recorded')
    return (
      <>
        <p role="alert" className="notice notice-warn">
          KMS could not be reached: {listing.unreachable}
        </p>
        <KeyMaterials
          materials={listing.keys[0]?.materials ?? recorded}
          source={`As RECORDED in the log at ${listing.at ?? 'an unknown time'} (the hand-over), not live from KMS.`}
        />
      </>
    );
  return (
    <>
      {listing.keys.map((k) => (
        <KeyMaterials
          key={k.keyArn}
          title={listing.keys.length > 1 ? `Key materials in ${k.region}` : 'Key materials'}
          materials={k.materials}
          source={`Live from KMS at ${listing.at ?? ''}: ${k.keyArn} (${k.keyState ?? ''})`}
        />
      ))}
    </>
  );
}
