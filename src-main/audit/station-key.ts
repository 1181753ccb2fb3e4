import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { KeyriteError } from '../../src-shared/errors.js';
import { publicKeyToBase64 } from '../../src-shared/audit/keys.js';
import { spkiFingerprint } from '../../src-shared/digests.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { readBoundedFile } from '../media/bounded-file.js';
import { type ScryptCost, DEFAULT_SCRYPT_COST } from '../secrets/passphrase-seal.js';
import { type KeystoreSealed, type OsKeystore, openWithKeystore, sealWithKeystore } from './keystore-seal.js';
import { openWithPassphrase, sealWithPassphrase, type PassphraseSealed } from '../secrets/passphrase-seal.js';
import { replaceFileSecurely, writeKeyFileNew } from './station-key-file.js';

export interface StationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** How the station's private key is sealed at rest: a station passphrase (CLI) or the OS keystore (app). */
export type StationKeyLock =
  | { kind: 'passphrase'; passphrase: () => Promise<SecretBuffer>; cost?: ScryptCost }
  | { kind: 'keystore'; keystore: OsKeystore };

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);
const sealedFile = z.strictObject({
  keyrite: z.literal('station-key'),
  version: z.literal(2),
  publicKey: base64,
  protection: z.enum(['passphrase', 'os-keystore']),
  sealed: z.record(z.string(), z.unknown()),
});
type SealedFile = z.infer<typeof sealedFile>;

const aadFor = (publicKey: string) => `keyrite/station-key/v2/${publicKey}`;

function generate(): StationKey {
  const pair = generateKeyPairSync('ed25519');
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

function fromPkcs8(der: Buffer, file: string): StationKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw invalidKey(file, e);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw invalidKey(file);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function invalidKey(file: string, cause?: unknown): KeyriteError {
  return new KeyriteError(
    'STATION_KEY_INVALID',
    `the station key ${file} is not a Keyrite station key`,
    'give the station key file this station created (its fingerprint is in every log it signed)',
    cause === undefined ? undefined : { cause },
  );
}

async function seal(key: StationKey, lock: StationKeyLock): Promise<SealedFile> {
  const publicKey = publicKeyToBase64(key.publicKey);
  const der = SecretBuffer.adopt(key.privateKey.export({ format: 'der', type: 'pkcs8' }));
  try {
    if (lock.kind === 'keystore')
      return {
        keyrite: 'station-key',
        version: 2,
        publicKey,
        protection: 'os-keystore',
        sealed: { ...sealWithKeystore(lock.keystore, der, aadFor(publicKey)) },
      };
    const passphrase = await lock.passphrase();
    try {
      const sealed = await sealWithPassphrase(
        passphrase,
        der,
        aadFor(publicKey),
        lock.cost ?? DEFAULT_SCRYPT_COST,
        ['station'],
      );
      return {
        keyrite: 'station-key',
        version: 2,
        publicKey,
        protection: 'passphrase',
        sealed: { ...sealed },
      };
    } finally {
      passphrase.dispose();
    }
  } finally {
    der.dispose();
  }
}

async function unseal(file: string, f: SealedFile, lock: StationKeyLock): Promise<StationKey> {
  let der: SecretBuffer;
  if (f.protection === 'os-keystore') {
    if (lock.kind !== 'keystore')
      throw new KeyriteError(
        'STATION_KEY_LOCK',
        `the station key ${file} is sealed by the OS keystore of the desktop app`,
        'open it in the Keyrite app on this computer, or give a station key sealed with a passphrase',
      );
    der = openWithKeystore(lock.keystore, f.sealed as unknown as KeystoreSealed, aadFor(f.publicKey));
  } else {
    if (lock.kind !== 'passphrase')
      throw new KeyriteError(
        'STATION_KEY_LOCK',
        `the station key ${file} is sealed with a station passphrase`,
        'use it from the command line (keyrite ceremony run --station-key), which asks for the passphrase',
      );
    const passphrase = await lock.passphrase();
    try {
      der = await openWithPassphrase(
        passphrase,
        f.sealed as unknown as PassphraseSealed,
        aadFor(f.publicKey),
        {
          code: 'STATION_PASSPHRASE_WRONG',
          message: `the passphrase does not open the station key ${file}`,
          hint: 'type the station passphrase chosen when this station key was created',
        },
      );
    } finally {
      passphrase.dispose();
    }
  }
  try {
    const key = der.use((d) => fromPkcs8(d, file));
    if (publicKeyToBase64(key.publicKey) !== f.publicKey) throw invalidKey(file);
    return key;
  } finally {
    der.dispose();
  }
}

/** The public half of a station key file, without unsealing it (what app.info shows). */
export function stationPublicKeyOf(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readBoundedFile(file, 'station-key');
  } catch (e) {
    if ((e as { code?: string }).code === 'FILE_NOT_FOUND') return undefined;
    throw e;
  }
  try {
    const parsed = sealedFile.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data.publicKey : undefined;
  } catch {
    return undefined; // a legacy (unsealed DER) key: its public half is known once it is migrated
  } finally {
    bytes.fill(0);
  }
}

export interface OpenedStationKey {
  key: StationKey;
  fingerprint: string;
  created: boolean;
  /** An unsealed key from an earlier release was found and sealed in place. */
  migrated: boolean;
}

/**
 * Opens the station key at `file`, creating it (sealed) when absent. An unsealed PKCS#8 key left by an
 * earlier release is sealed in place on first use (its plaintext overwritten before the sealed file
 * replaces it), so the private key never stays on disk in the clear once this release has run.
 */
export async function openStationKey(file: string, lock: StationKeyLock): Promise<OpenedStationKey> {
  let bytes: Buffer | undefined;
  try {
    bytes = readBoundedFile(file, 'station-key');
  } catch (e) {
    if ((e as { code?: string }).code !== 'FILE_NOT_FOUND') throw e;
  }
  try {
    if (bytes === undefined) {
      const key = generate();
      writeKeyFileNew(file, JSON.stringify(await seal(key, lock), null, 2) + '\n');
      return { key, fingerprint: fingerprintOf(key), created: true, migrated: false };
    }
    const json = parseSealed(bytes);
    if (json) {
      const key = await unseal(file, json, lock);
      return { key, fingerprint: fingerprintOf(key), created: false, migrated: false };
    }
    const key = fromPkcs8(bytes, file);
    replaceFileSecurely(file, JSON.stringify(await seal(key, lock), null, 2) + '\n');
    return { key, fingerprint: fingerprintOf(key), created: false, migrated: true };
  } finally {
    bytes?.fill(0);
  }
}

function parseSealed(bytes: Buffer): SealedFile | undefined {
  if (bytes[0] !== 0x7b) return undefined; // '{': PKCS#8 DER starts with 0x30
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = sealedFile.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

export function fingerprintOf(key: StationKey): string {
  return spkiFingerprint(publicKeyToBase64(key.publicKey));
}

/** A station key that lives only in this process: for rehearsals that need no resume. */
export function ephemeralStationKey(): StationKey {
  return generate();
}
