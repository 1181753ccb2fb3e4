import { createPrivateKey, diffieHellman, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { publicKeyFromSpkiBase64 } from '../../src-shared/spki-key.js';
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
 * What enrollment leaves behind: two public keys and one sealed blob. Ed25519 signs confirmations;
 * X25519 receives backup shares, so shares can be sealed to a custodian without their passphrase and
 * opened only with it.
 */
export interface CustodianEnrollment {
  custodianId: string;
  signingPublicKey: string;
  sharePublicKey: string;
  sealedKeys: PassphraseSealed;
}

const aadFor = (ceremonyId: string, custodianId: string) =>
  `keyrite/custodian-keys/v1/${ceremonyId}/${custodianId}`;

function pkcs8(k: KeyObject): SecretBuffer {
  return SecretBuffer.adopt(k.export({ format: 'der', type: 'pkcs8' }));
}

export async function enrollCustodian(
  ceremonyId: string,
  custodianId: string,
  passphrase: SecretBuffer,
  cost: ScryptCost = DEFAULT_SCRYPT_COST,
): Promise<CustodianEnrollment & { passphraseStrength: PassphraseStrength }> {
  const signing = generateKeyPairSync('ed25519');
  const box = generateKeyPairSync('x25519');
  const a = pkcs8(signing.privateKey);
  const b = pkcs8(box.privateKey);
  // Length-prefixed concatenation so one scrypt derivation opens both keys.
  const both = SecretBuffer.alloc(2 + a.length + b.length);
  try {
    both.use((buf) => {
      buf.writeUInt16BE(a.length, 0);
      a.use((x) => x.copy(buf, 2));
      b.use((x) => x.copy(buf, 2 + a.length));
    });
    const { sealed: sealedKeys, strength } = await sealJudged(
      passphrase,
      both,
      aadFor(ceremonyId, custodianId),
      cost,
      [ceremonyId, custodianId],
    );
    return {
      custodianId,
      signingPublicKey: signing.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      sharePublicKey: box.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      sealedKeys,
      // For the enrollment record, not the custodian's file.
      passphraseStrength: strength,
    };
  } finally {
    a.dispose();
    b.dispose();
    both.dispose();
  }
}

/**
 * A custodian's keys, unlocked for one action and then disposed. Node keeps KeyObject memory out of
 * reach of JS, so the private keys live as KeyObjects, each made once per unlock when first needed
 * (OpenSSL 3 takes about 0.5 ms to decode one, and an action signs two or three times: the check
 * against the enrolled key, then the action's own signatures) and let go at dispose.
 */
export class UnlockedCustodian {
  readonly custodianId: string;
  #keys: SecretBuffer | null;
  #objects: [KeyObject | undefined, KeyObject | undefined] = [undefined, undefined];

  constructor(custodianId: string, keys: SecretBuffer) {
    this.custodianId = custodianId;
    this.#keys = keys;
  }

  #part(which: 0 | 1): KeyObject {
    if (!this.#keys) throw new Error('custodian keys used after dispose');
    const made = this.#objects[which];
    if (made) return made;
    const key = this.#keys.use((buf) => {
      const la = buf.readUInt16BE(0);
      const slice = which === 0 ? buf.subarray(2, 2 + la) : buf.subarray(2 + la);
      return createPrivateKey({ key: slice, format: 'der', type: 'pkcs8' });
    });
    this.#objects[which] = key;
    return key;
  }

  /** Ed25519 signature over the bytes of a hex digest, base64. */
  signDigest(digestHex: string): string {
    return sign(null, Buffer.from(digestHex, 'hex'), this.#part(0)).toString('base64');
  }

  /** X25519 shared secret with a share's ephemeral public key. */
  agree(ephemeralPublicKeySpkiB64: string): SecretBuffer {
    const pub = publicKeyFromSpkiBase64(ephemeralPublicKeySpkiB64);
    return SecretBuffer.adopt(diffieHellman({ privateKey: this.#part(1), publicKey: pub }));
  }

  dispose(): void {
    this.#keys?.dispose();
    this.#keys = null;
    this.#objects = [undefined, undefined];
  }
}

export async function unlockCustodian(
  ceremonyId: string,
  enrollment: CustodianEnrollment,
  passphrase: SecretBuffer,
): Promise<UnlockedCustodian> {
  const keys = await openWithPassphrase(
    passphrase,
    enrollment.sealedKeys,
    aadFor(ceremonyId, enrollment.custodianId),
  );
  const u = new UnlockedCustodian(enrollment.custodianId, keys);
  // The sealed blob could be swapped in the log; make sure it holds the keys whose public halves were recorded.
  if (!signsForEnrolledKey((d) => u.signDigest(d), enrollment.signingPublicKey)) {
    u.dispose();
    throw new KeyriteError(
      'CUSTODIAN_KEY_MISMATCH',
      'the sealed custodian key does not match the enrolled public key',
      'the enrollment record is damaged; re-enroll this custodian',
    );
  }
  return u;
}
