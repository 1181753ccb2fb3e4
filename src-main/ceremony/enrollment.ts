import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { enrollCustodian } from '../secrets/custodian-keys.js';
import type { CeremonyParts } from './ceremony-parts.js';

/**
 * A participant enrolls a key before the ceremony proper: today custodians (an Ed25519 key that signs
 * confirmations and co-signs checkpoints, an X25519 key that receives backup shares, both sealed under
 * their passphrase in custodians/<id>.json). The log records the public keys; the passphrase is
 * disposed whatever happens.
 */
export async function enrollParticipant(
  p: CeremonyParts,
  custodianId: string,
  passphrase: SecretBuffer,
): Promise<{ custodianId: string; publicKeyFingerprint: string }> {
  try {
    const person = p.log.plan.participants.custodians.find((c) => c.id === custodianId);
    if (!person)
      throw new KeyriteError(
        'NOT_A_CUSTODIAN',
        `${custodianId} is not a custodian in this plan`,
        'only custodians named in the plan enroll',
      );
    if (p.log.enrollment(custodianId))
      throw new KeyriteError(
        'ALREADY_ENROLLED',
        `${custodianId} is already enrolled`,
        'each custodian enrolls once per ceremony',
      );
    if (p.log.state.steps.enroll === 'done')
      throw new KeyriteError(
        'ENROLLMENT_CLOSED',
        'enrollment is closed for this ceremony',
        'enrollment happens before pre-flight',
      );
    const e = await enrollCustodian(p.log.ceremonyId, custodianId, passphrase, p.settings.scryptCost);
    await p.journal.writeFile(
      p.paths.custodian(custodianId),
      `custodians/${custodianId}.json`,
      JSON.stringify(e, null, 2) + '\n',
    );
    const fingerprint = spkiFingerprint(e.signingPublicKey);
    p.journal.append(
      'participant.enrolled',
      {
        name: person.name,
        custodianId,
        role: 'custodian',
        publicKey: e.signingPublicKey,
        sharePublicKey: e.sharePublicKey,
        fingerprint,
        scrypt: { N: e.sealedKeys.N, r: e.sealedKeys.r, p: e.sealedKeys.p },
      },
      custodianId,
    );
    p.signals.changed();
    return { custodianId, publicKeyFingerprint: fingerprint };
  } finally {
    passphrase.dispose();
  }
}
