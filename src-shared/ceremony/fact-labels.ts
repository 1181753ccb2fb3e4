import { toWords } from '../words/pgp-words.js';
import type { FactKey } from './facts.js';

/**
 * The names people read a fact under — the ceremony screen's labels — and, for the values people
 * compare aloud, their PGP words. One table, so a custodian at a terminal and one at the app read the
 * same words for the same fact.
 */
export const FACT_LABELS: Readonly<Partial<Record<FactKey, string>>> = {
  keyArn: 'Key ARN',
  keyId: 'Key ID',
  region: 'Region',
  algorithm: 'Wrapping algorithm',
  keySpec: 'Key spec',
  keyUsage: 'Key usage',
  keyState: 'Key state',
  wrappingKeyFingerprint: 'Wrapping key fingerprint (SHA-256)',
  kcv: 'Key check value',
  publicKeyFingerprint: 'Public key fingerprint (SHA-256)',
  wrappedKeyDigest: 'Wrapped material digest (SHA-256)',
  validTo: 'Valid to',
  planDigest: 'Plan digest (SHA-256)',
  note: 'Note',
};

/** Facts read aloud and compared: shown with their words. */
const COMPARED: ReadonlySet<FactKey> = new Set([
  'wrappingKeyFingerprint',
  'kcv',
  'publicKeyFingerprint',
  'wrappedKeyDigest',
  'planDigest',
]);

export interface FactRow {
  label: string;
  value: string;
  /** PGP words of the value, for the facts people compare aloud. */
  words?: string;
}

/** The rows of a set of facts, in the table's order, with comparison words where people compare. */
export function factRows(facts: { readonly [K in FactKey]?: string | undefined }): FactRow[] {
  const rows: FactRow[] = [];
  for (const [key, label] of Object.entries(FACT_LABELS) as [FactKey, string][]) {
    const value = facts[key];
    if (value === undefined || value === '') continue;
    rows.push(
      COMPARED.has(key) && /^[0-9a-fA-F]+$/.test(value)
        ? { label, value, words: toWords(value) }
        : { label, value },
    );
  }
  return rows;
}
