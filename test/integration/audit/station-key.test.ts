import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  type StationKeyLock,
  openStationKey,
  stationPublicKeyOf,
} from '../../../src-main/audit/station-key.js';
import { keystoreFromSafeStorage } from '../../../src-main/shell/keystore.js';
import { publicKeyToBase64 } from '../../../src-shared/audit/keys.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { fakeKeystore } from '../../unit/audit/harness/fake-keystore.js';
import { tempDir } from './harness/fixture.js';

const cost = { N: 2 ** 10, r: 8, p: 1 };
const pass = (s: string): StationKeyLock => ({
  kind: 'passphrase',
  passphrase: async () => SecretBuffer.adopt(Buffer.from(s)),
  cost,
});
const GOOD = 'vault room station seal 2026 blue';

/** Every form in which a careless program might have written the private key. */
function leaks(file: string, der: Buffer): boolean {
  const body = readFileSync(file);
  const raw = der.subarray(der.length - 32); // the Ed25519 seed
  return [der, raw, Buffer.from(der.toString('base64')), Buffer.from(raw.toString('hex'))].some((x) =>
    body.includes(x),
  );
}

void test('a new station key is sealed under the station passphrase and opens only with it', async (t) => {
  const file = path.join(tempDir(t), 'station.key');
  const created = await openStationKey(file, pass(GOOD));
  assert.equal(created.created, true);
  const der = created.key.privateKey.export({ format: 'der', type: 'pkcs8' });
  assert.equal(leaks(file, der), false, 'the private key is not in the file');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  assert.equal(doc['protection'], 'passphrase');
  assert.equal(doc['publicKey'], publicKeyToBase64(created.key.publicKey));
  assert.equal(stationPublicKeyOf(file), doc['publicKey']);
  const again = await openStationKey(file, pass(GOOD));
  assert.equal(again.fingerprint, created.fingerprint);
  await assert.rejects(openStationKey(file, pass('vault room station seal 2026 red')), {
    code: 'STATION_PASSPHRASE_WRONG',
  });
});

void test('a weak station passphrase is refused and leaves no key file behind', async (t) => {
  const file = path.join(tempDir(t), 'station.key');
  await assert.rejects(openStationKey(file, pass('password12')), { code: 'PASSPHRASE_WEAK' });
  assert.equal(existsSync(file), false);
});

void test('an unsealed station key from an earlier release is sealed in place on first use', async (t) => {
  const file = path.join(tempDir(t), 'station-ed25519.key');
  const pair = generateKeyPairSync('ed25519');
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  writeFileSync(file, der, { mode: 0o600 });
  const opened = await openStationKey(file, pass(GOOD));
  assert.equal(opened.migrated, true);
  assert.equal(publicKeyToBase64(opened.key.publicKey), publicKeyToBase64(pair.publicKey), 'same station');
  assert.equal(leaks(file, der), false, 'the plaintext is gone from the file');
  const reopened = await openStationKey(file, pass(GOOD));
  assert.equal(reopened.migrated, false);
  assert.equal(reopened.fingerprint, opened.fingerprint);
});

void test('in the app the OS keystore seals the station key; without one the error says so', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'station.key');
  await assert.rejects(
    openStationKey(file, { kind: 'keystore', keystore: fakeKeystore({ unavailable: 'no secret service' }) }),
    (e: Error & { code?: string }) =>
      e.code === 'STATION_KEY_NO_KEYSTORE' && /no secret service/.test(e.message),
  );
  assert.equal(existsSync(file), false);
  const ks = fakeKeystore();
  const created = await openStationKey(file, { kind: 'keystore', keystore: ks });
  assert.ok(ks.calls >= 1);
  assert.equal(leaks(file, created.key.privateKey.export({ format: 'der', type: 'pkcs8' })), false);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { protection: string }).protection, 'os-keystore');
  const same = await openStationKey(file, { kind: 'keystore', keystore: fakeKeystore() });
  assert.equal(same.fingerprint, created.fingerprint);
  // Another user's keystore cannot open it, and a passphrase is no way around it.
  await assert.rejects(
    openStationKey(file, { kind: 'keystore', keystore: fakeKeystore({ key: Buffer.alloc(32, 7) }) }),
    { code: 'STATION_KEY_KEYSTORE_REFUSED' },
  );
  await assert.rejects(openStationKey(file, pass(GOOD)), { code: 'STATION_KEY_LOCK' });
});

void test('the safeStorage port refuses Linux’s plain-text fallback and round-trips through the OS', () => {
  const store = new Map<string, string>();
  const fake = (backend: string, available = true) => ({
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s: string) => {
      const id = Buffer.from(String(store.size));
      store.set(id.toString(), s);
      return id;
    },
    decryptString: (b: Buffer) => store.get(b.toString()) ?? '',
  });
  assert.match(keystoreFromSafeStorage(fake('basic_text'), 'linux').unavailable() ?? '', /protects nothing/);
  assert.match(
    keystoreFromSafeStorage(fake('gnome_libsecret', false), 'linux').unavailable() ?? '',
    /not available/,
  );
  assert.equal(keystoreFromSafeStorage(fake('unknown'), 'darwin').unavailable(), undefined);
  const ks = keystoreFromSafeStorage(fake('gnome_libsecret'), 'linux');
  assert.equal(ks.unavailable(), undefined);
  const secret = Buffer.alloc(32, 0xab);
  const blob = ks.encrypt(SecretBuffer.adopt(Buffer.from(secret)));
  assert.ok(!blob.includes(secret));
  assert.deepEqual(
    ks.decrypt(blob).use((b) => Buffer.from(b)),
    secret,
  );
});
