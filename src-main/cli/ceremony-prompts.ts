// The terminal ceremony's questions: the administrator's digest check, and a custodian confirming a
// generated passphrase.
import { timingSafeEqual } from 'node:crypto';
import { KeyriteError } from '../../src-shared/errors.js';
import { planDigest, type CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { generateWords } from '../secrets/generated-passphrase.js';
import type { CliIO } from './io.js';
import { readAnswer } from './secret-line.js';

export async function askDigestConfirmed(): Promise<void> {
  const answer = await readAnswer(
    'Administrator: does this digest match the reviewed plan? Type "yes" to proceed: ',
  );
  if (answer !== 'yes')
    throw new KeyriteError(
      'CEREMONY_PLAN_NOT_CONFIRMED',
      'the administrator did not confirm the plan digest',
      'compare the digest with the reviewed plan and run again',
    );
}

/** A split station shows the plan digest before it starts, as the one-station run does. */
export async function confirmDigest(io: CliIO, plan: CeremonyPlan): Promise<void> {
  const digest = planDigest(plan);
  io.out(`plan digest (SHA-256): ${digest}`);
  io.out(`plan digest (words):   ${toWords(digest)}`);
  await askDigestConfirmed();
}

/**
 * The easy path to a strong passphrase: six random words, shown once to the custodian alone (written as
 * bytes, never a string), who types them back to prove they have them before the key is sealed.
 */
export async function confirmGenerated(
  id: string,
  name: string,
  readSecret: (prompt: string) => Promise<Buffer>,
): Promise<SecretBuffer> {
  // The generator's own bytes go to the seal (judged by their 77 bits); what was typed only proves recall.
  const generated = generateWords();
  const shown = generated.use((g) =>
    Buffer.concat([Buffer.from(`[${id} only — others look away] your passphrase: `), g, Buffer.from('\n')]),
  );
  process.stderr.write(shown);
  shown.fill(0);
  const typed = await readSecret(`${name}, write it down, then type it to confirm: `);
  try {
    const same = generated.use((g) => typed.length === g.length && timingSafeEqual(typed, g));
    if (!same)
      throw new KeyriteError(
        'PASSPHRASE_MISMATCH',
        'what was typed is not the generated passphrase',
        'enroll again: press Enter for a new generated passphrase, or choose your own',
      );
    return generated;
  } catch (e) {
    generated.dispose();
    throw e;
  } finally {
    typed.fill(0);
  }
}
