import { KeyriteError } from '../../src-shared/errors.js';
import type { AuditStore } from '../audit/audit-store.js';
import {
  ceremonyRecord,
  isRecordOf,
  readRecord,
  type CeremonyRecord,
  type JournalRecordType,
  type PayloadInput,
  type RecordType,
  withEnvelope,
} from '../../src-shared/ceremony/records.js';
import {
  EFFECTS,
  type EffectAction,
  type EffectDetails,
  type EffectResult,
} from '../../src-shared/ceremony/effects.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import type { SignedCheckpoint } from '../../src-shared/audit/checkpoint.js';
import { sha256Hex } from '../../src-shared/digests.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import { DISK_FAULTS } from '../media/disk-fault.js';
import { crashPoint } from './crash-point.js';

export const STATION = 'station';

/**
 * The ceremony's view of the audit log, typed by the record catalogue (src-shared/ceremony/records):
 * it appends only catalogued records whose payload fits their schema, and reads records back parsed.
 * Every external effect goes through `effect`: an intent record committed (synchronous=FULL) before
 * the effect, its outcome after, so a reopened ceremony can tell "not attempted" from "attempted,
 * result unknown" and ask the world.
 */
export class Journal {
  readonly #store: AuditStore;
  readonly ceremonyId: string;
  #sink: ((r: CeremonyRecord) => void) | undefined;

  constructor(store: AuditStore, ceremonyId: string) {
    this.#store = store;
    this.ceremonyId = ceremonyId;
  }

  /**
   * Who folds the ceremony's records into its picture (the log state and the quorum): every record
   * this journal writes, and every record already in the log when `replay` is called.
   */
  onRecord(sink: (r: CeremonyRecord) => void): void {
    this.#sink = sink;
  }

  /** Folds the whole log, in order, into whoever listens (reopening a ceremony). */
  replay(): void {
    for (const r of this.records()) this.#sink?.(r);
  }

  #written(r: AuditRecord): AuditRecord {
    this.#sink?.(readOrRefuse(r));
    return r;
  }

  append<T extends JournalRecordType>(type: T, payload: PayloadInput<T>, actor = STATION): AuditRecord {
    const parsed = ceremonyRecord.safeParse({ type, payload });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KeyriteError(
        'AUDIT_RECORD_INVALID',
        `audit record refused: ${type} does not fit the record catalogue at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
        'this is a bug in Keyrite; the log was not changed',
      );
    }
    const rec = this.#store.append({
      ceremonyId: this.ceremonyId,
      actor,
      type,
      payload: parsed.data.payload,
    });
    // The catalogue read this payload just now and the store wrote it as read: fold that reading
    // rather than a third one of the same payload (issue 17).
    this.#sink?.(withEnvelope(rec, parsed.data));
    return rec;
  }

  /** The ceremony's records (of one type, when given), read through the catalogue. */
  records(): CeremonyRecord[];
  records<T extends RecordType>(type: T): Extract<CeremonyRecord, { type: T }>[];
  records<T extends RecordType>(type?: T): CeremonyRecord[] {
    const rows = this.#store.records({ ceremonyId: this.ceremonyId, ...(type ? { type } : {}) });
    const all = rows.map(readOrRefuse);
    return type ? all.filter((r) => isRecordOf(type, r)) : all;
  }

  /** Open intents of this ceremony, read through the catalogue. */
  openIntents(): Extract<CeremonyRecord, { type: 'intent' }>[] {
    return this.#store
      .openIntents(this.ceremonyId)
      .map(readOrRefuse)
      .filter((r) => isRecordOf('intent', r));
  }

  headHash(): string {
    return this.#store.head().hash;
  }

  /**
   * Has the station sign a checkpoint of the log as it stands; the `audit.checkpoint` record that
   * follows it is folded like any other (the quorum's co-sign target is the first after a request).
   */
  checkpoint(): SignedCheckpoint {
    const cp = this.#store.checkpoint({ ceremonyId: this.ceremonyId });
    const [rec] = this.#store.records({ fromSeq: cp.treeSize + 1, limit: 1 });
    if (rec) this.#written(rec);
    return cp;
  }

  /** Runs an external effect bracketed by intent and outcome records; the crash points sit between them. */
  async effect<A extends EffectAction, T>(
    action: A,
    effect: string,
    details: EffectDetails<A>,
    run: () => Promise<T> | T,
    outcome: (result: T) => EffectResult<A>,
    label?: string,
  ): Promise<T> {
    EFFECTS[action].details.parse(details);
    const intent = this.#written(
      this.#store.intent({
        ceremonyId: this.ceremonyId,
        actor: STATION,
        type: action,
        effect,
        payload: details,
      }),
    );
    crashPoint(`intent:${action}`);
    if (label) crashPoint(`intent:${action}:${label}`);
    let result: T;
    try {
      result = await run();
    } catch (e) {
      const code =
        typeof e === 'object' && e !== null && 'code' in e ? String(e.code).slice(0, 100) : 'ERROR';
      try {
        this.#written(this.#store.outcome(intent.seq, { ok: false, payload: { code } }));
      } catch (unrecorded) {
        // A full disk that stopped the effect (a share medium, the report) often stops its outcome
        // too: the effect's own error is what names the disk; the intent stays open and the next
        // start reconciles it, as after a crash.
        if (!(unrecorded instanceof KeyriteError && DISK_FAULTS.has(unrecorded.code))) throw unrecorded;
      }
      throw e;
    }
    crashPoint(`effect:${action}`);
    if (label) crashPoint(`effect:${action}:${label}`);
    this.#written(
      this.#store.outcome(intent.seq, { ok: true, payload: EFFECTS[action].result.parse(outcome(result)) }),
    );
    // After the outcome, before whatever the caller records next (an import's step completing).
    crashPoint(`outcome:${action}`);
    return result;
  }

  /** Records what recovery found for an intent the station died during. */
  settle(intentSeq: number, ok: boolean, found: string): void {
    this.#written(this.#store.outcome(intentSeq, { ok, payload: { reconciled: found } }));
  }

  /** An atomic file write as an effect; the intent records the digest the file must have. */
  async writeFile(file: string, relName: string, data: Uint8Array | string): Promise<string> {
    const digest = sha256Hex(data);
    await this.effect(
      'media.write-file',
      `write ${relName}`,
      { file: relName, digest },
      () => writeFileAtomic(file, data),
      () => ({}),
      relName,
    );
    return digest;
  }
}

function readOrRefuse(r: AuditRecord): CeremonyRecord {
  const read = readRecord(r);
  if ('problem' in read)
    throw new KeyriteError(
      'AUDIT_RECORD_UNREADABLE',
      `the ceremony log holds a record this Keyrite cannot read: ${read.problem}`,
      'run keyrite audit verify on the database; a log written by a newer Keyrite needs that version',
    );
  return read;
}
