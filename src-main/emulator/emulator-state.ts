import { type KeyRecord, sweepExpired } from './key-record.js';
import { notFound } from './kms-error.js';
import type { AliasRecord, ImportParams, Persister } from './state-types.js';

const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The emulated account in one region: keys, aliases and outstanding import parameters, written
 * through to the persister on every change. Time comes from the injected clock only, so expiry and
 * deletion windows are testable without waiting.
 */
export class EmulatorState {
  readonly keys = new Map<string, KeyRecord>();
  readonly aliases = new Map<string, AliasRecord>();
  readonly params = new Map<string, ImportParams>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly clock: () => Date,
    readonly persister: Persister,
  ) {
    const loaded = persister.load();
    for (const k of loaded.keys) this.keys.set(k.keyId, k);
    for (const a of loaded.aliases) this.aliases.set(a.name, a);
    for (const p of loaded.params) this.params.set(p.tokenId, p);
  }

  now(): number {
    return this.clock().getTime();
  }

  keyArn(keyId: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:key/${keyId}`;
  }

  aliasArn(name: string): string {
    return `arn:aws:kms:${this.region}:${this.accountId}:${name}`;
  }

  /** Applies the passage of time: expired material, finished deletion windows, stale parameters. */
  tick(): void {
    const now = this.now();
    for (const key of [...this.keys.values()]) {
      if (key.deletion && key.deletion.date <= now) {
        this.removeKey(key);
        continue;
      }
      if (sweepExpired(key, now)) this.save(key);
    }
    for (const p of [...this.params.values()]) {
      // Keep expired parameters a day longer so a late import gets ExpiredImportTokenException, as on AWS.
      if (p.validTo + 86_400_000 <= now || !this.keys.has(p.keyId)) this.dropParams(p.tokenId);
    }
  }

  save(key: KeyRecord): void {
    this.keys.set(key.keyId, key);
    this.persister.saveKey(key);
  }

  saveAlias(alias: AliasRecord): void {
    this.aliases.set(alias.name, alias);
    this.persister.saveAlias(alias);
  }

  deleteAlias(name: string): void {
    this.aliases.delete(name);
    this.persister.deleteAlias(name);
  }

  saveParams(p: ImportParams): void {
    this.params.set(p.tokenId, p);
    this.persister.saveParams(p);
  }

  dropParams(tokenId: string): void {
    const p = this.params.get(tokenId);
    if (!p) return;
    p.privateKeyDer.fill(0);
    this.params.delete(tokenId);
    this.persister.deleteParams(tokenId);
  }

  private removeKey(key: KeyRecord): void {
    for (const m of key.materials) m.bytes?.fill(0);
    this.keys.delete(key.keyId);
    this.persister.deleteKey(key.keyId);
    for (const a of [...this.aliases.values()]) if (a.targetKeyId === key.keyId) this.deleteAlias(a.name);
  }

  /**
   * Resolves a KeyId parameter the way KMS does: key id, key ARN and, where the operation allows it,
   * alias name or alias ARN. Messages are AWS's.
   */
  resolve(keyIdParam: string, allowAlias: boolean): KeyRecord {
    let id = keyIdParam;
    const arnMatch = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/.exec(keyIdParam);
    if (arnMatch) {
      const [, region, account, kind, rest] = arnMatch as unknown as [string, string, string, string, string];
      if (kind === 'alias') {
        if (!allowAlias) throw notFound(`Invalid keyId '${keyIdParam}'`);
        if (region !== this.region || account !== this.accountId)
          throw notFound(`Alias ${keyIdParam} is not found.`);
        return this.resolveAlias(`alias/${rest}`);
      }
      if (region !== this.region || account !== this.accountId)
        throw notFound(`Key '${keyIdParam}' does not exist`);
      id = rest;
    } else if (keyIdParam.startsWith('alias/')) {
      if (!allowAlias) throw notFound(`Invalid keyId '${keyIdParam}'`);
      return this.resolveAlias(keyIdParam);
    }
    if (!KEY_ID.test(id)) throw notFound(`Invalid keyId '${keyIdParam}'`);
    const key = this.keys.get(id);
    if (!key) throw notFound(`Key '${this.keyArn(id)}' does not exist`);
    return key;
  }

  private resolveAlias(name: string): KeyRecord {
    const alias = this.aliases.get(name);
    const key = alias && this.keys.get(alias.targetKeyId);
    if (!key) throw notFound(`Alias ${this.aliasArn(name)} is not found.`);
    return key;
  }

  close(): void {
    for (const key of this.keys.values()) for (const m of key.materials) m.bytes?.fill(0);
    for (const p of this.params.values()) p.privateKeyDer.fill(0);
    this.persister.close();
  }
}
