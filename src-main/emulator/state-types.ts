import type { Buffer } from 'node:buffer';
import type { KeyRecord } from './key-record.js';
import type { WrappingAlgorithmName, WrappingKeySpecName } from './key-specs.js';

/** What GetParametersForImport issued: the token is bound to one key and one wrapping key pair. */
export interface ImportParams {
  tokenId: string;
  keyId: string;
  algorithm: WrappingAlgorithmName;
  wrappingKeySpec: WrappingKeySpecName;
  /** The emulator's own wrapping private key (PKCS#8 DER): the "AWS side" secret. */
  privateKeyDer: Buffer;
  publicKeyDer: Buffer;
  validTo: number;
}

export interface AliasRecord {
  name: string;
  targetKeyId: string;
  created: number;
  updated: number;
}

/** Where state survives restarts. The in-memory emulator uses a persister that keeps nothing. */
export interface Persister {
  load(): { keys: KeyRecord[]; aliases: AliasRecord[]; params: ImportParams[] };
  saveKey(key: KeyRecord): void;
  deleteKey(keyId: string): void;
  saveAlias(alias: AliasRecord): void;
  deleteAlias(name: string): void;
  saveParams(params: ImportParams): void;
  deleteParams(tokenId: string): void;
  close(): void;
}

export const memoryPersister: Persister = {
  load: () => ({ keys: [], aliases: [], params: [] }),
  saveKey: () => undefined,
  deleteKey: () => undefined,
  saveAlias: () => undefined,
  deleteAlias: () => undefined,
  saveParams: () => undefined,
  deleteParams: () => undefined,
  close: () => undefined,
};
