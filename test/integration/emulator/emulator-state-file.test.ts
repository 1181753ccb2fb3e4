// The emulator's --state file across versions: a version-1 file (one region per file, as Keyrite
// wrote it before one emulator served every region) opens, migrates in place and serves its keys,
// aliases and outstanding import parameters in the region each key was created in; the app's
// per-account state file takes over the old per-region files once.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ImportKeyMaterialCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import Database from 'better-sqlite3';
import { bindingDigest, encodeToken, newTokenId } from '../../../src-main/emulator/import-token.js';
import { materialId } from '../../../src-main/emulator/material.js';
import { startEmulator } from '../../../src-main/emulator/index.js';
import { Emulators } from '../../../src-main/ipc/services/emulators.js';
import { oaepWrap, rejectsWith } from './harness/emulator.js';

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-emu-state-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function client(url: string, region: string): KMSClient {
  return new KMSClient({
    region,
    endpoint: url,
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
}

/** The version-1 schema exactly as Keyrite created it. */
const V1_SCHEMA = `CREATE TABLE keys (key_id TEXT PRIMARY KEY, record TEXT NOT NULL);
   CREATE TABLE materials (key_id TEXT NOT NULL, material_id TEXT NOT NULL, meta TEXT NOT NULL, bytes BLOB,
     PRIMARY KEY (key_id, material_id));
   CREATE TABLE aliases (name TEXT PRIMARY KEY, target_key_id TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
   CREATE TABLE import_params (token_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, algorithm TEXT NOT NULL,
     wrapping_key_spec TEXT NOT NULL, private_key BLOB NOT NULL, public_key BLOB NOT NULL, valid_to REAL NOT NULL);`;

void describe('emulator state file', () => {
  void test('a version-1 file migrates: keys, material, aliases and import parameters keep their region', async () => {
    const file = path.join(dir, 'v1.sqlite');
    const region = 'eu-west-1';
    const account = '111122223333';
    const keyId = randomUUID();
    const arn = `arn:aws:kms:${region}:${account}:key/${keyId}`;
    const material = randomBytes(32);
    const mid = materialId(keyId, material);
    const now = Date.now();
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    });
    const tokenId = newTokenId();
    const db = new Database(file);
    db.exec(V1_SCHEMA);
    db.prepare('INSERT INTO keys (key_id, record) VALUES (?, ?)').run(
      keyId,
      JSON.stringify({
        keyId,
        arn,
        accountId: account,
        region,
        creationDate: now,
        description: 'written by version 1',
        keyUsage: 'ENCRYPT_DECRYPT',
        keySpec: 'SYMMETRIC_DEFAULT',
        origin: 'EXTERNAL',
        multiRegion: false,
        enabled: true,
        policy: '{"Statement":[]}',
        tags: [{ TagKey: 'team', TagValue: 'crypto' }],
      }),
    );
    db.prepare('INSERT INTO materials (key_id, material_id, meta, bytes) VALUES (?, ?, ?, ?)').run(
      keyId,
      mid,
      JSON.stringify({
        id: mid,
        role: 'CURRENT',
        expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        importedAt: now,
      }),
      material,
    );
    db.prepare('INSERT INTO aliases (name, target_key_id, created, updated) VALUES (?, ?, ?, ?)').run(
      'alias/from-v1',
      keyId,
      now,
      now,
    );
    db.prepare(
      'INSERT INTO import_params (token_id, key_id, algorithm, wrapping_key_spec, private_key, public_key, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(tokenId, keyId, 'RSAES_OAEP_SHA_256', 'RSA_2048', pair.privateKey, pair.publicKey, now + 3_600_000);
    db.pragma('user_version = 1');
    db.close();

    // Default region us-east-1: the key must still be found in eu-west-1, where it was created.
    const emu = await startEmulator({ statePath: file });
    const eu = client(emu.url, region);
    const us = client(emu.url, 'us-east-1');
    try {
      const d = await eu.send(new DescribeKeyCommand({ KeyId: 'alias/from-v1' }));
      assert.equal(d.KeyMetadata?.Arn, arn);
      assert.equal(d.KeyMetadata?.KeyState, 'Enabled');
      assert.equal(d.KeyMetadata?.CurrentKeyMaterialId, mid);
      await rejectsWith(us.send(new DescribeKeyCommand({ KeyId: keyId })), 'NotFoundException');
      const ct = await eu.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('still here') }));
      const pt = await eu.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }));
      assert.equal(Buffer.from(pt.Plaintext ?? []).toString(), 'still here');
      // The outstanding parameters survived too: reimporting the same material with them succeeds.
      const token = encodeToken(tokenId, bindingDigest(arn, pair.publicKey));
      const r = await eu.send(
        new ImportKeyMaterialCommand({
          KeyId: keyId,
          ImportToken: token,
          EncryptedKeyMaterial: oaepWrap(pair.publicKey, material, 'sha256'),
          ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
        }),
      );
      assert.equal(r.KeyMaterialId, mid);
    } finally {
      eu.destroy();
      us.destroy();
      await emu.close();
    }
    const after = new Database(file, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), 3);
    assert.deepEqual(after.prepare('SELECT region, name FROM aliases').all(), [
      { region, name: 'alias/from-v1' },
    ]);
    after.close();
  });

  void test('keys in several regions survive a restart of one --state file', async () => {
    const file = path.join(dir, 'multi.sqlite');
    const first = await startEmulator({ statePath: file });
    const ids: Record<string, string> = {};
    for (const r of ['us-west-2', 'eu-north-1']) {
      const c = client(first.url, r);
      ids[r] = (await c.send(new CreateKeyCommand({ Description: r }))).KeyMetadata?.KeyId ?? '';
      await c.send(new CreateAliasCommand({ AliasName: 'alias/everywhere', TargetKeyId: ids[r] }));
      c.destroy();
    }
    await first.close();
    const second = await startEmulator({ statePath: file });
    try {
      for (const r of ['us-west-2', 'eu-north-1']) {
        const c = client(second.url, r);
        const d = await c.send(new DescribeKeyCommand({ KeyId: 'alias/everywhere' }));
        assert.equal(d.KeyMetadata?.KeyId, ids[r]);
        assert.equal(d.KeyMetadata?.Description, r);
        c.destroy();
      }
    } finally {
      await second.close();
    }
  });

  void test('the app serves every region of an account from one emulator and takes over per-region files once', async () => {
    const appDir = mkdtempSync(path.join(dir, 'app-'));
    const account = '444455556666';
    // Files as earlier versions named them: one per region.
    const legacy: Record<string, string> = {};
    for (const r of ['eu-west-1', 'us-east-2']) {
      const emu = await startEmulator({
        region: r,
        accountId: account,
        statePath: path.join(appDir, `kms-emulator-${r}-${account}.sqlite`),
      });
      const c = client(emu.url, r);
      legacy[r] =
        (await c.send(new CreateKeyCommand({ Description: `legacy ${r}` }))).KeyMetadata?.KeyId ?? '';
      c.destroy();
      await emu.close();
    }
    const emulators = new Emulators(appDir);
    try {
      const url = await emulators.urlFor('eu-west-1', account);
      assert.equal(await emulators.urlFor('us-east-2', account), url, 'one emulator for every region');
      for (const [r, id] of Object.entries(legacy)) {
        const c = client(url, r);
        const d = await c.send(new DescribeKeyCommand({ KeyId: id }));
        assert.equal(d.KeyMetadata?.Description, `legacy ${r}`);
        assert.match(d.KeyMetadata?.Arn ?? '', new RegExp(`^arn:aws:kms:${r}:${account}:key/`));
        c.destroy();
      }
    } finally {
      await emulators.close();
    }
    for (const r of Object.keys(legacy)) {
      const old = path.join(appDir, `kms-emulator-${r}-${account}.sqlite`);
      assert.equal(existsSync(old), false);
      assert.equal(existsSync(`${old}.merged`), true);
    }
    assert.equal(existsSync(path.join(appDir, `kms-emulator-${account}.sqlite`)), true);
    // A second start finds nothing left to merge and the same keys.
    const again = new Emulators(appDir);
    try {
      const c = client(await again.urlFor('us-east-1', account), 'us-east-2');
      const d = await c.send(new DescribeKeyCommand({ KeyId: legacy['us-east-2'] }));
      assert.equal(d.KeyMetadata?.Description, 'legacy us-east-2');
      c.destroy();
    } finally {
      await again.close();
    }
  });
});
