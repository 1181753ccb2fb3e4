import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { enrollCustodian } from '../secrets/custodian-keys.js';
import { enrollWitness } from '../secrets/witness-keys.js';
import type { CeremonyParts } from './ceremony-parts.js';

/**
 * A participant enrolls a key before the ceremony proper. A custodian: an Ed25519 key that signs
 * confirmations and co-signs checkpoints, an X25519 key that receives backup shares, both sealed under
 * their passphrase in custodians/<id>.json. A witness: an Ed25519 key that signs their sign-off and
 * exceptions, sealed in witnesses/<id>.json. The log records the public keys and how the passphrase
 * met the policy (generated, with its bits, or chosen and estimated); the passphrase is disposed
 * whatever happens.
 */
export async function enrollParticipant(
  p: CeremonyParts,
  participantId: string,
  passphrase: SecretBuffer,
): Promise<{ custodianId: string; publicKeyFingerprint: string }> {
  try {
    const { custodians, witnesses } = p.log.plan.participants;
    const custodian = custodians.find((c) => c.id === participantId);
    const witness = custodian ? undefined : witnesses.find((w) => w.id === participantId);
    if (!custodian && !witness)
      throw new KeyriteError(
        'NOT_A_CUSTODIAN',
        `${participantId} is not a custodian or witness in this plan`,
        'only custodians and witnesses named in the plan enroll',
      );
    if (p.log.enrollment(participantId) || p.log.witnessEnrollment(participantId))
      throw new KeyriteError(
        'ALREADY_ENROLLED',
        `${participantId} is already enrolled`,
        'each custodian and witness enrolls once per ceremony',
      );
    if (p.log.state.steps.enroll === 'done')
      throw new KeyriteError(
        'ENROLLMENT_CLOSED',
        'enrollment is closed for this ceremony',
        'enrollment happens before pre-flight',
      );
    const fingerprint = witness
      ? await enrollWitnessKey(p, witness, passphrase)
      : await enrollCustodianKeys(p, custodian as { id: string; name: string }, passphrase);
    p.signals.changed();
    return { custodianId: participantId, publicKeyFingerprint: fingerprint };
  } finally {
    passphrase.dispose();
  }
}

async function enrollCustodianKeys(
  p: CeremonyParts,
  person: { id: string; name: string },
  passphrase: SecretBuffer,
): Promise<string> {
  const custodianId = person.id;
  const { passphraseStrength, ...e } = await enrollCustodian(
    p.log.ceremonyId,
    custodianId,
    passphrase,
    p.settings.scryptCost,
  );
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
      strength: passphraseStrength,
    },
    custodianId,
  );
  return fingerprint;
}

async function enrollWitnessKey(
  p: CeremonyParts,
  person: { id: string; name: string },
  passphrase: SecretBuffer,
): Promise<string> {
  const witnessId = person.id;
  const { passphraseStrength, ...e } = await enrollWitness(
    p.log.ceremonyId,
    witnessId,
    passphrase,
    p.settings.scryptCost,
  );
  await p.journal.writeFile(
    p.paths.witness(witnessId),
    `witnesses/${witnessId}.json`,
    JSON.stringify(e, null, 2) + '\n',
  );
  const fingerprint = spkiFingerprint(e.publicKey);
  p.journal.append(
    'participant.enrolled',
    {
      name: person.name,
      witnessId,
      role: 'witness',
      publicKey: e.publicKey,
      fingerprint,
      scrypt: { N: e.sealedKey.N, r: e.sealedKey.r, p: e.sealedKey.p },
      strength: passphraseStrength,
    },
    witnessId,
  );
  return fingerprint;
}
