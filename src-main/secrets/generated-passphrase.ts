import { randomInt } from 'node:crypto';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { GENERATED_WORDS, WORD_LIST_SIZE, wordList } from './diceware.js';

/** How Keyrite made a passphrase: public facts only (the method and the entropy it gives by construction). */
export interface GeneratedOrigin {
  method: 'words' | 'characters';
  bits: number;
}

/**
 * The proof of origin. Only this module adds to it, and only SecretBuffers it has just filled from the
 * CSPRNG (or copied from one it filled): a SecretBuffer cannot be constructed outside its class, and every
 * passphrase that comes from a person (a terminal, a file, the renderer over IPC) is a new SecretBuffer,
 * so it is never here, even when its bytes equal a generated one. The seal asks `generatedOrigin`, and
 * for these alone replaces the strength estimate (zxcvbn, ~0.3 s and 30 MiB per check) by the entropy
 * the generator put in (passphrase-policy.ts). Weak keys: a disposed or dropped passphrase leaves nothing.
 */
const origins = new WeakMap<SecretBuffer, GeneratedOrigin>();

/** The origin of a passphrase this module generated, or undefined for every other passphrase. */
export function generatedOrigin(passphrase: SecretBuffer): GeneratedOrigin | undefined {
  return passphrase.disposed ? undefined : origins.get(passphrase);
}

function registered(s: SecretBuffer, origin: GeneratedOrigin): SecretBuffer {
  origins.set(s, Object.freeze({ ...origin }));
  return s;
}

/**
 * GENERATED_WORDS words of the EFF list chosen uniformly with the CSPRNG, joined by spaces, assembled in
 * a SecretBuffer (the words are public, the choice is the secret): log2(7776) bits per word.
 */
export function generateWords(count: number = GENERATED_WORDS): SecretBuffer {
  const list = wordList();
  const picked = Array.from({ length: count }, () => list[randomInt(WORD_LIST_SIZE)] as Buffer);
  const out = SecretBuffer.alloc(picked.reduce((n, w) => n + w.length, 0) + count - 1);
  out.use((b) => {
    let at = 0;
    for (const w of picked) {
      if (at > 0) b[at++] = 0x20;
      at += w.copy(b, at);
    }
  });
  return registered(out, { method: 'words', bits: Math.floor(count * Math.log2(WORD_LIST_SIZE)) });
}

/** Letters and digits without the look-alikes (l, o, I, O, 0, 1): 57 symbols. */
const ALPHABET = Buffer.from('abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 'ascii');

/**
 * `length` characters of ALPHABET chosen uniformly with the CSPRNG (randomInt: no modulo bias), for
 * people nobody has to type for (rehearsal custodians): log2(57) ≈ 5.83 bits per character.
 */
export function generateCharacters(length: number): SecretBuffer {
  const out = SecretBuffer.alloc(length);
  out.use((b) => {
    for (let i = 0; i < length; i++) b[i] = ALPHABET[randomInt(ALPHABET.length)] as number;
  });
  return registered(out, { method: 'characters', bits: Math.floor(length * Math.log2(ALPHABET.length)) });
}

/**
 * A fresh copy of a passphrase, for a holder who lends it more than once (each use disposes what it is
 * given). The copy keeps the original's origin: it is the generator's bytes, never out of Keyrite's
 * hands. A copy of a passphrase that came from a person stays unregistered.
 */
export function copyPassphrase(p: SecretBuffer): SecretBuffer {
  const origin = generatedOrigin(p);
  const copy = SecretBuffer.alloc(p.length);
  copy.use((c) => p.use((b) => b.copy(c)));
  return origin ? registered(copy, origin) : copy;
}
