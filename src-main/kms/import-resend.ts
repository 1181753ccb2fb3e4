import type {
  ImportKeyMaterialCommandInput,
  ImportKeyMaterialCommandOutput,
  RotationsListEntry,
} from '@aws-sdk/client-kms';

/**
 * What to resend after an ImportKeyMaterial whose outcome is unknown (timeout, 5xx, reset). Resending
 * identical bytes is safe (ImportGuard), but the request itself may no longer fit: once a first
 * NEW_KEY_MATERIAL import landed, KMS refuses another NEW one (a staged rotation is already pending, or
 * the bytes are already the key's). So a NEW import is resent as EXISTING_KEY_MATERIAL under the id of
 * the material that appeared, and KMS itself proves it is ours: it accepts EXISTING_KEY_MATERIAL under
 * an id only for the very bytes it knows by that id (IncorrectKeyMaterialException otherwise).
 *
 * - a material pending rotation: ours if KMS accepts our bytes under its id (else someone else's —
 *   the refusal stands, and the ceremony stops);
 * - else the current material: if KMS accepts our bytes under its id, the first attempt was the key's
 *   first import and it landed; if KMS says the bytes differ, the first attempt of a rotation did not
 *   land, and the NEW import is sent again as it was;
 * - no material at all: nothing landed; send it again as it was.
 */
export async function resendImport(
  input: ImportKeyMaterialCommandInput,
  send: (i: ImportKeyMaterialCommandInput) => Promise<ImportKeyMaterialCommandOutput>,
  materials: () => Promise<RotationsListEntry[]>,
): Promise<ImportKeyMaterialCommandOutput> {
  if (input.ImportType !== 'NEW_KEY_MATERIAL') return send(input);
  const { ImportType: _type, KeyMaterialDescription: _description, ...same } = input;
  const existing = (id: string) => send({ ...same, ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: id });
  const all = await materials();
  const pending = all.find((m) => m.KeyMaterialState?.startsWith('PENDING_'))?.KeyMaterialId;
  if (pending) return existing(pending);
  const current = all.find((m) => m.KeyMaterialState === 'CURRENT')?.KeyMaterialId;
  if (current) {
    try {
      return await existing(current);
    } catch (e) {
      if ((e as { name?: string })?.name !== 'IncorrectKeyMaterialException') throw e;
    }
  }
  return send(input);
}
