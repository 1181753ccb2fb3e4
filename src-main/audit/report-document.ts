import { toPgpWords } from '../../src-shared/words/pgp-words.js';

/**
 * The audit report as a document, before it is HTML or PDF: headings, boxes, fact rows and tables of
 * plain text marked up with a few kinds of emphasis. Building it once (report-sections.ts) and drawing
 * it twice (report-html.ts, report-pdf.ts) keeps the two formats saying the same thing.
 */
export type Inline =
  | string
  /** A value to compare character by character: hex digests, ARNs, commands. */
  | { code: string }
  /** A digest's PGP words, on a line of their own beneath the value. */
  | { words: string }
  /** What must catch the eye: failures, exceptions, invalid signatures. */
  | { warn: string }
  | { strong: string }
  /** A line break within a cell. */
  | { br: true };

export type Cell = readonly Inline[];

export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'text'; cell: Cell }
  | { kind: 'box'; tone: 'ok' | 'bad' | 'advice' | 'rehearsal'; cell: Cell }
  /** Where the ceremony's KMS calls went (the cloud, an emulator, another endpoint), in words a reader cannot miss. */
  | { kind: 'environment'; env: 'cloud' | 'emulator' | 'endpoint' | 'unknown'; text: string }
  | { kind: 'facts'; rows: ReadonlyArray<readonly [string, Cell]> }
  | { kind: 'table'; headers: readonly string[]; rows: readonly Cell[][]; empty: string; cls?: string };

export interface ReportDocument {
  title: string;
  /** The log is a rehearsal's (its KMS was Keyrite's emulator): every page says so. */
  rehearsal: boolean;
  blocks: Block[];
}

export const REHEARSAL_MARK = 'REHEARSAL';
export const REHEARSAL_NOTE =
  'REHEARSAL — this log comes from a rehearsal against Keyrite’s embedded KMS emulator. No real key was created or imported.';

/** A digest as people compare it: the hex, then its PGP words. */
export const hexWithWords = (hex: string): Inline[] => [{ code: hex }, { words: toPgpWords(hex).join(' ') }];

/** The words of a digest alone (for the first bytes of a long value). */
export const wordsOf = (hex: string): Inline => ({ words: toPgpWords(hex).join(' ') });

/** Cells joined with line breaks between them. */
export function lines(cells: readonly Cell[]): Inline[] {
  return cells.flatMap((c, i) => (i === 0 ? [...c] : [{ br: true } as const, ...c]));
}
