import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The emulator's symmetric ciphertext blob. AWS's format is opaque to clients; ours only has to be
 * self-consistent and bound to its key: magic ‖ key id ‖ key material id ‖ IV ‖ GCM tag ‖ ciphertext,
 * AES-256-GCM under the key material with the header and the encryption context as associated
 * data. A blob from another key, another material, or another context fails authentication.
 */
const MAGIC = Buffer.from('KRC1', 'ascii');

export interface ParsedCiphertext {
  keyId: string;
  materialId: string;
  header: Buffer;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

function contextBytes(context: Record<string, string> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

export function sealSymmetric(
  keyId: string,
  materialId: string,
  material: Buffer,
  plaintext: Buffer,
  context: Record<string, string> | undefined,
): Buffer {
  const id = Buffer.from(keyId, 'ascii');
  const header = Buffer.concat([MAGIC, Buffer.from([id.length]), id, Buffer.from(materialId, 'hex')]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(Buffer.concat([header, contextBytes(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

export function parseSymmetric(blob: Buffer): ParsedCiphertext | undefined {
  if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const idLen = blob[MAGIC.length] as number;
  const headerLen = MAGIC.length + 1 + idLen + 32;
  if (blob.length < headerLen + 12 + 16) return undefined;
  return {
    keyId: blob.subarray(MAGIC.length + 1, MAGIC.length + 1 + idLen).toString('ascii'),
    materialId: blob.subarray(MAGIC.length + 1 + idLen, headerLen).toString('hex'),
    header: blob.subarray(0, headerLen),
    iv: blob.subarray(headerLen, headerLen + 12),
    tag: blob.subarray(headerLen + 12, headerLen + 28),
    body: blob.subarray(headerLen + 28),
  };
}

/** Returns the plaintext, or undefined when authentication fails. */
export function openSymmetric(
  parsed: ParsedCiphertext,
  material: Buffer,
  context: Record<string, string> | undefined,
): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, parsed.iv);
    decipher.setAAD(Buffer.concat([parsed.header, contextBytes(context)]));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    return undefined;
  }
}
