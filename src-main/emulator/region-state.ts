import { aliasArn, keyArn, parseKmsArn } from './arn.js';
import type { EmulatorState } from './emulator-state.js';
import type { KeyRecord } from './key-record.js';
import { authorizeForeign, type ForeignAccess, refuseOutsideHome } from './foreign-access.js';
import { notFound } from './kms-error.js';
import type { AliasRecord, GrantRecord, ImportParams } from './state-types.js';

const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * One region of the emulated account, as a request signed for that region sees it: its keys,
 * aliases and outstanding import parameters. Every operation handler works on one of these; the
 * account (`account`) reaches the other regions, which multi-Region operations need.
 */
export class RegionState {
  readonly keys: Map<string, KeyRecord>;
  readonly aliases: Map<string, AliasRecord>;
  readonly params: Map<string, ImportParams>;
  readonly grants: Map<string, GrantRecord>;

  constructor(
    readonly account: EmulatorState,
    readonly region: string,
    /** The region's own state, when this is one request's view of it for a caller of another account. */
    shared?: RegionState,
    /** Set on such a view: every key it resolves is authorized for that caller (foreign-access.ts). */
    readonly foreign?: ForeignAccess,
  ) {
    this.keys = shared?.keys ?? new Map();
    this.aliases = shared?.aliases ?? new Map();
    this.params = shared?.params ?? new Map();
    this.grants = shared?.grants ?? new Map();
  }

  /** This region as one request of a caller of another account sees it: same state, keys authorized. */
  viewFor(foreign: ForeignAccess): RegionState {
    return new RegionState(this.account, this.region, this, foreign);
  }

  get accountId(): string {
    return this.account.accountId;
  }

  now(): number {
    return this.account.now();
  }

  keyArn(keyId: string): string {
    return keyArn(this.region, this.accountId, keyId);
  }

  aliasArn(name: string): string {
    return aliasArn(this.region, this.accountId, name);
  }

  save(key: KeyRecord): void {
    this.keys.set(key.keyId, key);
    this.account.persister.saveKey(key);
  }

  saveAlias(alias: AliasRecord): void {
    this.aliases.set(alias.name, alias);
    this.account.persister.saveAlias(alias);
  }

  deleteAlias(name: string): void {
    this.aliases.delete(name);
    this.account.persister.deleteAlias(this.region, name);
  }

  saveParams(p: ImportParams): void {
    this.params.set(p.tokenId, p);
    this.account.persister.saveParams(p);
  }

  dropParams(tokenId: string): void {
    const p = this.params.get(tokenId);
    if (!p) return;
    p.privateKeyDer.fill(0);
    this.params.delete(tokenId);
    this.account.persister.deleteParams(tokenId);
  }

  saveGrant(grant: GrantRecord): void {
    this.grants.set(grant.grantId, grant);
    this.account.persister.saveGrant(grant);
  }

  deleteGrant(grantId: string): void {
    this.grants.delete(grantId);
    this.account.persister.deleteGrant(this.region, grantId);
  }

  /** A deleted key takes its material, aliases and grants with it. */
  removeKey(key: KeyRecord): void {
    for (const m of key.materials) m.bytes?.fill(0);
    this.keys.delete(key.keyId);
    this.account.persister.deleteKey(this.region, key.keyId);
    for (const a of [...this.aliases.values()]) if (a.targetKeyId === key.keyId) this.deleteAlias(a.name);
    for (const g of [...this.grants.values()]) if (g.keyId === key.keyId) this.deleteGrant(g.grantId);
  }

  /**
   * Resolves a KeyId parameter the way KMS does: key id, key ARN and, where the operation allows it,
   * alias name or alias ARN — always within this region. A key id from another region is simply not
   * here; an ARN naming another region is refused with AWS's recorded "Invalid arn <region>".
   */
  resolve(keyIdParam: string, allowAlias: boolean, action?: string): KeyRecord {
    if (!this.foreign) return this.resolveHome(keyIdParam, allowAlias);
    refuseOutsideHome(this, keyIdParam, allowAlias, this.foreign.caller);
    const key = this.resolveHome(keyIdParam, allowAlias);
    authorizeForeign(this, key, this.foreign.caller, action ?? this.foreign.operation);
    return key;
  }

  /**
   * The key a symmetric ciphertext names (Decrypt and ReEncrypt without a KeyId), authorized like a
   * resolved key when a caller of another account asks; undefined when this region does not hold it.
   */
  keyOfCiphertext(keyId: string, action: string): KeyRecord | undefined {
    const key = this.keys.get(keyId);
    if (key && this.foreign) authorizeForeign(this, key, this.foreign.caller, action);
    return key;
  }

  private resolveHome(keyIdParam: string, allowAlias: boolean): KeyRecord {
    let id = keyIdParam;
    const arn = parseKmsArn(keyIdParam);
    if (arn) {
      if (arn.kind === 'alias' && !allowAlias) throw notFound(`Invalid keyId '${keyIdParam}'`);
      if (arn.region !== this.region) throw notFound(`Invalid arn ${arn.region}`);
      if (arn.kind === 'alias') {
        if (arn.accountId !== this.accountId) throw notFound(`Alias ${keyIdParam} is not found.`);
        return this.resolveAlias(`alias/${arn.resource}`);
      }
      if (arn.accountId !== this.accountId) throw notFound(`Key '${keyIdParam}' does not exist`);
      id = arn.resource;
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
}
