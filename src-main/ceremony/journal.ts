import type { AuditStore } from '../audit/audit-store.js';
import type { AuditRecord } from '../../src-shared/audit/record.js';
import { writeFileAtomic, sha256Of } from '../media/atomic-file.js';
import { crashPoint } from './crash-point.js';

export const STATION = 'station';

/**
 * The ceremony's view of the audit log. Every external effect goes through `effect`: an intent record
 * committed (synchronous=FULL) before the effect, its outcome after, so a reopened ceremony can tell
 * "not attempted" from "attempted, result unknown" and ask the world.
 */
export class Journal {
  readonly store: AuditStore;
  readonly ceremonyId: string;

  constructor(store: AuditStore, ceremonyId: string) {
    this.store = store;
    this.ceremonyId = ceremonyId;
  }

  append(type: string, payload: Record<string, unknown>, actor = STATION): AuditRecord {
    return this.store.append({ ceremonyId: this.ceremonyId, actor, type, payload });
  }

  records(type?: string): AuditRecord[] {
    return this.store.records({ ceremonyId: this.ceremonyId, ...(type ? { type } : {}) });
  }

  headHash(): string {
    return this.store.head().hash;
  }

  /** Runs an external effect bracketed by intent and outcome records; the crash points sit between them. */
  async effect<T>(
    action: string,
    effect: string,
    details: Record<string, unknown>,
    run: () => Promise<T> | T,
    outcome: (result: T) => Record<string, unknown> = () => ({}),
    label?: string,
  ): Promise<T> {
    const intent = this.store.intent({
      ceremonyId: this.ceremonyId,
      actor: STATION,
      type: action,
      effect,
      payload: details,
    });
    crashPoint(`intent:${action}`);
    if (label) crashPoint(`intent:${action}:${label}`);
    let result: T;
    try {
      result = await run();
    } catch (e) {
      const code =
        typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'ERROR';
      this.store.outcome(intent.seq, { ok: false, payload: { code } });
      throw e;
    }
    crashPoint(`effect:${action}`);
    if (label) crashPoint(`effect:${action}:${label}`);
    this.store.outcome(intent.seq, { ok: true, payload: outcome(result) });
    return result;
  }

  /** An atomic file write as an effect; the intent records the digest the file must have. */
  async writeFile(file: string, relName: string, data: Uint8Array | string): Promise<string> {
    const digest = sha256Of(data);
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
