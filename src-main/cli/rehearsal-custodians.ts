import { randomBytes } from 'node:crypto';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';

/** Who holds a passphrase in a ceremony, in the order supplied passphrase lines follow: custodians, then witnesses. */
export function passphraseHolders(plan: CeremonyPlan): string[] {
  return [...plan.participants.custodians, ...plan.participants.witnesses].map((p) => p.id);
}

const ALPHABET = Buffer.from('abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 'ascii');

/**
 * Passphrases of rehearsal custodians: generated per run, held in Buffers (never strings), lent out as
 * fresh SecretBuffer copies, and wiped at the end. Supplied passphrases (a file descriptor, for tests
 * that must resume after a crash) are held the same way.
 */
export class RehearsalCustodians {
  readonly #pass = new Map<string, Buffer>();

  static generate(ids: readonly string[]): RehearsalCustodians {
    const c = new RehearsalCustodians();
    for (const id of ids) {
      const rnd = randomBytes(24);
      const pw = Buffer.alloc(24);
      for (let i = 0; i < 24; i++) pw[i] = ALPHABET[(rnd[i] as number) % ALPHABET.length] as number;
      rnd.fill(0);
      c.#pass.set(id, pw);
    }
    return c;
  }

  /** One passphrase per line, custodians then witnesses in plan order. The input buffer is wiped. */
  static fromLines(ids: readonly string[], input: Buffer): RehearsalCustodians {
    const c = new RehearsalCustodians();
    let start = 0;
    for (const id of ids) {
      if (start >= input.length) {
        input.fill(0);
        c.wipe();
        throw new KeyriteError(
          'PASSPHRASE_LINES_MISSING',
          `the passphrases given end before ${id}'s: one line is needed for each of ${ids.join(', ')}`,
          'give one passphrase per line: the custodians, then the witnesses, in plan order',
        );
      }
      let end = input.indexOf(0x0a, start);
      if (end < 0) end = input.length;
      let stop = end;
      if (stop > start && input[stop - 1] === 0x0d) stop--;
      const pw = Buffer.alloc(stop - start);
      input.copy(pw, 0, start, stop);
      c.#pass.set(id, pw);
      start = end + 1;
    }
    input.fill(0);
    return c;
  }

  passphrase(id: string): SecretBuffer {
    const pw = this.#pass.get(id);
    if (!pw) throw new Error(`no rehearsal passphrase for ${id}`);
    const copy = Buffer.alloc(pw.length);
    pw.copy(copy);
    return SecretBuffer.adopt(copy);
  }

  wipe(): void {
    for (const b of this.#pass.values()) b.fill(0);
    this.#pass.clear();
  }
}
