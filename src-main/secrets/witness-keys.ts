import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { signsForEnrolledKey } from './key-match.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import type { PassphraseStrength } from '../../src-shared/ceremony/passphrase-strength.js';
import {
  DEFAULT_SCRYPT_COST,
  openWithPassphrase,
  sealJudged,
  type PassphraseSealed,
  type ScryptCost,
} from './passphrase-seal.js';

/**
 * A witness's key: one Ed25519 pair that signs what the witness attests (their sign-off, their
 * exceptions), sealed under the witness's own passphrase with the same policy and KDF as custodians'
 * keys. Without it, anyone at the station (or any renderer) could speak for any witness.
 */
export interface WitnessEnrollment {
  witnessId: string;
  /** Ed25519 public key, SPKI DER base64. */
  publicKey: string;
  sealedKey: PassphraseSealed;
}

const aadFor = (ceremonyId: string, witnessId: string) =>
  `keyrite/witness-keys/v1/${ceremonyId}/${witnessId}`;

export async function enrollWitness(
  ceremonyId: string,
  witnessId: string,
  passphrase: SecretBuffer,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<WitnessEnrollment & { passphraseStrength: PassphraseStrength }> {
  const pair = generateKeyPairSync('ed25519');
  const der = SecretBuffer.adopt(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
  try {
    const { sealed: sealedKey, strength } = await sealJudged(
      passphrase,
      der,
      aadFor(ceremonyId, witnessId),
      cost,
      [ceremonyId, witnessId],
    );
    return {
      witnessId,
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      sealedKey,
      // For the enrollment record, not the witness's file.
      passphraseStrength: strength,
    };
  } finally {
    der.dispose();
  }
}

/** A witness's key, unlocked for one statement and then disposed. */
export class UnlockedWitness {
  readonly witnessId: string;
  #key: SecretBuffer | null;

  constructor(witnessId: string, key: SecretBuffer) {
    this.witnessId = witnessId;
    this.#key = key;
  }

  #private(): KeyObject {
    if (!this.#key) throw new Error('witness key used after dispose');
    return this.#key.use((buf) => createPrivateKey({ key: buf, format: 'der', type: 'pkcs8' }));
  }

  /** Ed25519 signature over the bytes of a hex digest, base64. */
  signDigest(digestHex: string): string {
    return sign(null, Buffer.from(digestHex, 'hex'), this.#private()).toString('base64');
  }

  dispose(): void {
    this.#key?.dispose();
    this.#key = null;
  }
}

/** Opens a witness's key with their passphrase; a sealed key that is not the enrolled one is refused. */
export async function unlockWitness(
  ceremonyId: string,
  enrollment: WitnessEnrollment,
  passphrase: SecretBuffer,
): Promise<UnlockedWitness> {
  const key = await openWithPassphrase(
    passphrase,
    enrollment.sealedKey,
    aadFor(ceremonyId, enrollment.witnessId),
    {
      code: 'PASSPHRASE_WRONG',
      message: `the passphrase does not open the key of witness ${enrollment.witnessId}`,
      hint: 'the witness must type their own passphrase again',
    },
  );
  const u = new UnlockedWitness(enrollment.witnessId, key);
  if (!signsForEnrolledKey((d) => u.signDigest(d), enrollment.publicKey)) {
    u.dispose();
    throw new KeyriteError(
      'WITNESS_KEY_MISMATCH',
      'the sealed witness key does not match the enrolled public key',
      'the witness key file is damaged; restore witnesses/<id>.json from the ceremony directory backup',
    );
  }
  return u;
}
