import { z } from 'zod';
import { KeyriteError } from '../../src-shared/errors.js';
import { readBoundedText } from '../media/bounded-file.js';
import type { SealedShareFile } from '../secrets/backup-shares.js';
import type { CustodianEnrollment } from '../secrets/custodian-keys.js';
import type { WitnessEnrollment } from '../secrets/witness-keys.js';
import type { PassphraseSealed } from '../secrets/passphrase-seal.js';

/*
 * The files a ceremony keeps beside its log and reads back: custodians' sealed keys and backup
 * shares. Someone with write access to the ceremony directory can change them, so they are parsed
 * (never cast) and bounded; the sealed blob itself is checked by the code that opens it.
 */
const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/)
  .max(8192);
const sealed = z.custom<PassphraseSealed>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

const enrollmentFile = z.object({
  custodianId: z.string().min(1).max(64),
  signingPublicKey: base64,
  sharePublicKey: base64,
  sealedKeys: sealed,
});

const witnessFile = z.object({
  witnessId: z.string().min(1).max(64),
  publicKey: base64,
  sealedKey: sealed,
});

const shareFile = z.object({
  format: z.literal('keyrite-share/v1'),
  ceremonyId: z.string().min(1).max(64),
  custodianId: z.string().min(1).max(64),
  threshold: z.number().int().min(1).max(64),
  total: z.number().int().min(1).max(64),
  materialKcv: z.string().max(128),
  ephemeralPublicKey: base64,
  iv: base64,
  ciphertext: base64,
  tag: base64,
  commitment: z.string().regex(/^[0-9a-f]{64}$/),
  holder: z.object({ signingPublicKey: base64, sharePublicKey: base64, sealedKeys: sealed }),
});

/** A share file as written: the sealed share plus its holder's sealed keys, so it opens on its own. */
export interface ShareFileOnDisk extends SealedShareFile {
  holder: { signingPublicKey: string; sharePublicKey: string; sealedKeys: PassphraseSealed };
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = readBoundedText(file, 'share', what);
  } catch (e) {
    throw new KeyriteError(
      'CEREMONY_FILE_UNREADABLE',
      e instanceof KeyriteError ? e.message : `cannot read ${what} ${file}`,
      'check the file is there and readable',
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const r = schema.safeParse(doc);
  if (!r.success)
    throw new KeyriteError(
      'CEREMONY_FILE_DAMAGED',
      `${file} is not a valid ${what}`,
      'restore it from the medium it was written to',
    );
  return r.data;
}

export function readEnrollmentFile(file: string): CustodianEnrollment {
  return readJson(file, enrollmentFile, 'custodian key file');
}

export function readWitnessFile(file: string): WitnessEnrollment {
  return readJson(file, witnessFile, 'witness key file');
}

export function readShareFile(file: string): ShareFileOnDisk {
  return readJson(file, shareFile, 'backup share file');
}
