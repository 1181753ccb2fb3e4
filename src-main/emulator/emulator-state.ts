import { sweepExpired } from './key-record.js';
import { RegionState } from './region-state.js';
import type { Persister } from './state-types.js';

/**
 * The emulated AWS account across every region: one `RegionState` per region a request was signed
 * for (created on first use), written through to the persister on every change. Time comes from the
 * injected clock only, so expiry and deletion windows are testable without waiting.
 */
export class EmulatorState {
  readonly #regions = new Map<string, RegionState>();

  constructor(
    /** The region of requests that carry no SigV4 credential scope (a hand-written curl). */
    readonly defaultRegion: string,
    readonly accountId: string,
    readonly clock: () => Date,
    readonly persister: Persister,
  ) {
    const loaded = persister.load();
    for (const k of loaded.keys) this.region(k.region).keys.set(k.keyId, k);
    for (const a of loaded.aliases) this.region(a.region).aliases.set(a.name, a);
    for (const p of loaded.params) this.region(p.region).params.set(p.tokenId, p);
    for (const g of loaded.grants) this.region(g.region).grants.set(g.grantId, g);
  }

  now(): number {
    return this.clock().getTime();
  }

  /** The named region of this account; regions come into being when first addressed, as on AWS. */
  region(name: string): RegionState {
    let r = this.#regions.get(name);
    if (!r) {
      r = new RegionState(this, name);
      this.#regions.set(name, r);
    }
    return r;
  }

  get regions(): readonly RegionState[] {
    return [...this.#regions.values()];
  }

  /** Applies the passage of time in every region: expired material, finished deletion windows, stale parameters. */
  tick(): void {
    const now = this.now();
    for (const r of this.#regions.values()) {
      for (const key of [...r.keys.values()]) {
        if (key.deletion && key.deletion.date <= now) {
          r.removeKey(key);
          continue;
        }
        if (sweepExpired(key, now)) r.save(key);
      }
      for (const p of [...r.params.values()]) {
        // Keep expired parameters a day longer so a late import gets ExpiredImportTokenException, as on AWS.
        if (p.validTo + 86_400_000 <= now || !r.keys.has(p.keyId)) r.dropParams(p.tokenId);
      }
    }
  }

  close(): void {
    for (const r of this.#regions.values()) {
      for (const key of r.keys.values()) for (const m of key.materials) m.bytes?.fill(0);
      for (const p of r.params.values()) p.privateKeyDer.fill(0);
    }
    this.persister.close();
  }
}
