import type { Buffer } from 'node:buffer';
import type { KeyRecord } from './key-record.js';
import type { WrappingAlgorithmName, WrappingKeySpecName } from './key-specs.js';

/** What GetParametersForImport issued: the token is bound to one key and one wrapping key pair. */
export interface ImportParams {
  tokenId: string;
  /** The region of the key the parameters were issued for; a token is only good there. */
  region: string;
  keyId: string;
  algorithm: WrappingAlgorithmName;
  wrappingKeySpec: WrappingKeySpecName;
  /** The emulator's own wrapping private key (PKCS#8 DER): the "AWS side" secret. */
  privateKeyDer: Buffer;
  publicKeyDer: Buffer;
  validTo: number;
}

/** Alias names are unique per account and region, so the region is part of an alias's identity. */
export interface AliasRecord {
  region: string;
  name: string;
  targetKeyId: string;
  created: number;
  updated: number;
}

/** A grant on one key (CreateGrant). Grant tokens are kept only as SHA-256 digests. */
export interface GrantRecord {
  region: string;
  grantId: string;
  keyId: string;
  name?: string;
  creationDate: number;
  granteePrincipal: string;
  retiringPrincipal?: string;
  operations: string[];
  constraints?: {
    EncryptionContextSubset?: Record<string, string>;
    EncryptionContextEquals?: Record<string, string>;
  };
  tokenDigests: string[];
}

/**
 * Where state survives restarts. The in-memory emulator uses a persister that keeps nothing.
 * Keys are identified by region and key id together: a multi-Region key and its replicas share one
 * key id in several regions.
 */
export interface Persister {
  load(): { keys: KeyRecord[]; aliases: AliasRecord[]; params: ImportParams[]; grants: GrantRecord[] };
  saveKey(key: KeyRecord): void;
  deleteKey(region: string, keyId: string): void;
  saveAlias(alias: AliasRecord): void;
  deleteAlias(region: string, name: string): void;
  saveParams(params: ImportParams): void;
  deleteParams(tokenId: string): void;
  saveGrant(grant: GrantRecord): void;
  deleteGrant(region: string, grantId: string): void;
  close(): void;
}

export const memoryPersister: Persister = {
  load: () => ({ keys: [], aliases: [], params: [], grants: [] }),
  saveKey: () => undefined,
  deleteKey: () => undefined,
  saveAlias: () => undefined,
  deleteAlias: () => undefined,
  saveParams: () => undefined,
  deleteParams: () => undefined,
  saveGrant: () => undefined,
  deleteGrant: () => undefined,
  close: () => undefined,
};
