import type { AuditRecord } from '../../src-shared/audit/record.js';
import { keyMaterialEntry, reimportSource } from '../../src-shared/ceremony/key-materials.js';
import type { RecordedKeyMaterials } from '../../src-shared/ipc/audit-workspace.js';
import type { Block, Cell } from './report-document.js';
import { str } from './report-markup.js';

/**
 * Every material of each key as KMS listed it at the hand-over (`kms.key-materials`, the latest per
 * key): its state, whether it is still imported, until when, and which ceremony's backup shares
 * re-import it — so an auditor can tell a key's recovery story from the log alone. Empty for logs
 * whose keys have no material ids (only AWS symmetric keys have them).
 */
export function recordedMaterials(records: readonly AuditRecord[]): RecordedKeyMaterials[] {
  const latest = new Map<string, AuditRecord>();
  for (const r of records) if (r.type === 'kms.key-materials') latest.set(str(r.payload['keyArn']), r);
  const wroteShares = new Set(records.filter((r) => r.type === 'backup.created').map((r) => r.ceremonyId));
  return [...latest].slice(0, 16).map(([keyArn, r]) => {
    const own = { ceremonyId: r.ceremonyId, wroteShares: wroteShares.has(r.ceremonyId) };
    const raw = Array.isArray(r.payload['materials']) ? (r.payload['materials'] as unknown[]) : [];
    return {
      keyArn,
      seq: r.seq,
      at: r.time,
      materials: raw.slice(0, 64).flatMap((m) => {
        const e = keyMaterialEntry.safeParse(m);
        if (!e.success) return [];
        const x = e.data;
        return [
          {
            keyMaterialId: x.keyMaterialId,
            state: x.state,
            ...(x.importState ? { importState: x.importState } : {}),
            ...(x.expirationModel === 'KEY_MATERIAL_EXPIRES' && x.validTo ? { validTo: x.validTo } : {}),
            reimportedBy: reimportSource(x, own),
          },
        ];
      }),
    };
  });
}

/** The report's (HTML and PDF) section for them. */
export function materialsBlocks(records: readonly AuditRecord[]): Block[] {
  return recordedMaterials(records).flatMap((k): Block[] => [
    { kind: 'heading', text: 'Key materials' },
    {
      kind: 'text',
      cell: [
        `As KMS listed them at the hand-over (record ${k.seq}, `,
        { code: k.at },
        ') for ',
        { code: k.keyArn },
        '. The key is unusable while any material is missing.',
      ],
    },
    {
      kind: 'table',
      headers: ['Key material id', 'State', 'Imported', 'Valid to', 'Re-imported by'],
      rows: k.materials.map((m): Cell[] => [
        [{ code: m.keyMaterialId }],
        [m.state],
        [m.importState === 'PENDING_IMPORT' ? { warn: 'MISSING (deleted or expired)' } : 'imported'],
        [m.validTo ?? 'does not expire'],
        [m.reimportedBy],
      ]),
      empty: 'The listing named no material.',
    },
  ]);
}
