import {
  createCipheriv,
  createDecipheriv,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { publicKeyFromSpkiBase64 } from '../../src-shared/spki-key.js';
import { combine, split } from 'shamir-secret-sharing';
import { sha256Hex } from '../../src-shared/digests.js';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { UnlockedCustodian } from './custodian-keys.js';

/** One sealed share file: everything in it is public except what the ciphertext hides. */
export interface SealedShareFile {
  format: 'keyrite-share/v1';
  ceremonyId: string;
  custodianId: string;
  threshold: number;
  total: number;
  /** KCV of the material the shares reconstruct: lets a holder know which key this belongs to. */
  materialKcv: string;
  ephemeralPublicKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
  /** SHA-256 commitment to the plaintext share, also recorded in the audit log at creation. */
  commitment: string;
}

export interface ShareRecipient {
  custodianId: string;
  sharePublicKey: string;
}

const aad = (ceremonyId: string, custodianId: string) =>
  Buffer.from(`keyrite/share/v1/${ceremonyId}/${custodianId}`);

/**
 * The commitment binds a share to its ceremony and holder. It reveals nothing usable: the share is as
 * long as the key plus one byte, uniformly random on its own, and SHA-256 is preimage resistant.
 */
export function shareCommitment(ceremonyId: string, custodianId: string, share: Buffer): string {
  return sha256Hex(aad(ceremonyId, custodianId), share);
}

function shareKey(shared: SecretBuffer, ceremonyId: string, custodianId: string): SecretBuffer {
  return shared.use((s) =>
    SecretBuffer.adopt(Buffer.from(hkdfSync('sha256', s, Buffer.alloc(0), aad(ceremonyId, custodianId), 32))),
  );
}

/** Splits material M-of-N and seals share i to recipient i's X25519 key. */
export async function createSealedShares(
  ceremonyId: string,
  material: SecretBuffer,
  materialKcv: string,
  recipients: readonly ShareRecipient[],
  threshold: number,
): Promise<SealedShareFile[]> {
  // split() takes a Uint8Array; the copy is wiped as soon as the shares exist.
  const copy = material.use((m) => new Uint8Array(m));
  let shares: Uint8Array[];
  try {
    shares = await split(copy, recipients.length, threshold);
  } finally {
    copy.fill(0);
  }
  try {
    return recipients.map((r, i) => {
      const raw = shares[i] as Uint8Array;
      // A view, not a copy: zeroing `shares` below wipes it.
      const share = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
      const eph = generateKeyPairSync('x25519');
      const pub = publicKeyFromSpkiBase64(r.sharePublicKey);
      const shared = SecretBuffer.adopt(diffieHellman({ privateKey: eph.privateKey, publicKey: pub }));
      const key = shareKey(shared, ceremonyId, r.custodianId);
      shared.dispose();
      try {
        const iv = randomBytes(12);
        const c = key.use((k) => createCipheriv('aes-256-gcm', k, iv));
        c.setAAD(aad(ceremonyId, r.custodianId));
        const ct = Buffer.concat([c.update(share), c.final()]);
        return {
          format: 'keyrite-share/v1',
          ceremonyId,
          custodianId: r.custodianId,
          threshold,
          total: recipients.length,
          materialKcv,
          ephemeralPublicKey: eph.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
          iv: iv.toString('base64'),
          ciphertext: ct.toString('base64'),
          tag: c.getAuthTag().toString('base64'),
          commitment: shareCommitment(ceremonyId, r.custodianId, share),
        } satisfies SealedShareFile;
      } finally {
        key.dispose();
      }
    });
  } finally {
    for (const s of shares) s.fill(0);
  }
}

/** Opens the holder's own share; fails unless it authenticates and matches its recorded commitment. */
export function openShare(
  file: SealedShareFile,
  holder: UnlockedCustodian,
  recordedCommitment: string,
): SecretBuffer {
  if (file.custodianId !== holder.custodianId)
    throw new KeyriteError(
      'SHARE_WRONG_HOLDER',
      `this share belongs to ${file.custodianId}`,
      'each custodian opens only their own share',
    );
  const shared = holder.agree(file.ephemeralPublicKey);
  const key = shareKey(shared, file.ceremonyId, file.custodianId);
  shared.dispose();
  const ct = Buffer.from(file.ciphertext, 'base64');
  const out = Buffer.alloc(ct.length);
  try {
    const d = key.use((k) => createDecipheriv('aes-256-gcm', k, Buffer.from(file.iv, 'base64')));
    d.setAAD(aad(file.ceremonyId, file.custodianId));
    d.setAuthTag(Buffer.from(file.tag, 'base64'));
    const part = d.update(ct);
    part.copy(out);
    part.fill(0);
    d.final();
  } catch {
    out.fill(0);
    throw new KeyriteError(
      'SHARE_UNREADABLE',
      `share of ${file.custodianId} does not open`,
      'the share file is damaged or sealed to someone else; use another custodian’s share',
    );
  } finally {
    key.dispose();
  }
  const share = SecretBuffer.adopt(out);
  const commitment = share.use((s) => shareCommitment(file.ceremonyId, file.custodianId, s));
  if (commitment !== recordedCommitment || commitment !== file.commitment) {
    share.dispose();
    throw new KeyriteError(
      'SHARE_INCONSISTENT',
      `share of ${file.custodianId} does not match the commitment recorded at creation`,
      'this share is not the one the ceremony created; do not rely on it',
    );
  }
  return share;
}

/** Reconstitutes material from a quorum of opened shares (disposed by the caller). */
export async function combineShares(shares: readonly SecretBuffer[]): Promise<SecretBuffer> {
  const copies = shares.map((s) => s.use((b) => new Uint8Array(b)));
  try {
    const secret = await combine(copies);
    return SecretBuffer.adopt(secret);
  } finally {
    for (const c of copies) c.fill(0);
  }
}
