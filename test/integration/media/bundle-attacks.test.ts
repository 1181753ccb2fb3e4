// Every attack the issue lists on a bundle, made on a real bundle on disk: each is refused with its
// own coded error, before any content is parsed.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readRequest } from '../../../src-shared/bundle/content.js';
import { BUNDLE_CAPS } from '../../../src-shared/bundle/manifest.js';
import { verifyBundle, type BundleExpectations } from '../../../src-shared/bundle/verify.js';
import { isKeyriteError } from '../../../src-shared/errors.js';
import { directorySource, writeBundle } from '../../../src-main/media/bundle-dir.js';
import {
  CEREMONY,
  PLAN_DIGEST,
  newStation,
  requestBundle,
  requestFiles,
  writeOn,
} from './harness/bundle-fixture.js';

const online = newStation();
const expectations = (over: Partial<BundleExpectations> = {}): BundleExpectations => ({
  now: new Date(),
  kind: 'request',
  ceremonyId: CEREMONY,
  planDigest: PLAN_DIGEST,
  stations: [online.fingerprint],
  lastSequence: 0,
  acceptedDigests: [],
  ...over,
});

function refusedWith(dir: string, code: string, over: Partial<BundleExpectations> = {}): void {
  assert.throws(
    () => {
      const b = verifyBundle(directorySource(dir), expectations(over));
      readRequest(b, new Date());
    },
    (e: unknown) => {
      assert.ok(isKeyriteError(e), `not a KeyriteError: ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.ok(e.hint.length > 10);
      return true;
    },
  );
}

function fresh(): string {
  return writeOn(online).dir;
}

void test('a bundle as written verifies, and its content reads back', () => {
  const { dir, digest } = writeOn(online);
  const b = verifyBundle(directorySource(dir), expectations());
  assert.equal(b.digest, digest);
  assert.equal(b.station, online.fingerprint);
  const { request, importToken } = readRequest(b, new Date());
  assert.equal(request.target.keySpec, 'SYMMETRIC_DEFAULT');
  assert.equal(importToken.length, 256);
});

void test('truncated file: refused by its size, before its digest is taken', () => {
  const dir = fresh();
  const f = path.join(dir, 'ImportToken.bin');
  truncateSync(f, 100);
  refusedWith(dir, 'BUNDLE_FILE_SIZE');
});

void test('truncated manifest: refused by the signature', () => {
  const dir = fresh();
  const f = path.join(dir, 'manifest.json');
  truncateSync(f, 50);
  refusedWith(dir, 'BUNDLE_SIGNATURE_INVALID');
});

void test('one bit flipped in a content file, in the manifest, in the signature', () => {
  for (const [name, code] of [
    ['WrappingPublicKey.der', 'BUNDLE_FILE_DIGEST'],
    ['request.json', 'BUNDLE_FILE_DIGEST'],
    ['manifest.json', 'BUNDLE_SIGNATURE_INVALID'],
    ['manifest.sig', 'BUNDLE_SIGNATURE_INVALID'],
  ] as const) {
    const dir = fresh();
    const f = path.join(dir, name);
    const bytes = readFileSync(f);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
    writeFileSync(f, bytes);
    refusedWith(dir, code);
  }
});

void test('oversized: a file over its cap is refused from the listing, never read', () => {
  const dir = fresh();
  // Sparse: the listing says 5 MiB; reading it would show zeros, but nothing is read.
  truncateSync(path.join(dir, 'ImportToken.bin'), BUNDLE_CAPS.fileBytes + 1);
  refusedWith(dir, 'BUNDLE_TOO_LARGE');
  const many = fresh();
  for (let i = 0; i < BUNDLE_CAPS.files + 1; i++) writeFileSync(path.join(many, `extra-${i}.bin`), 'x');
  refusedWith(many, 'BUNDLE_TOO_LARGE');
});

void test('extra file, hidden leftover, link and pipe: refused', () => {
  const extra = fresh();
  writeFileSync(path.join(extra, 'notes.txt'), 'hello');
  refusedWith(extra, 'BUNDLE_EXTRA_FILE');
  const hidden = fresh();
  writeFileSync(path.join(hidden, '.ImportToken.bin.0a1b.tmp'), 'partial');
  refusedWith(hidden, 'BUNDLE_EXTRA_FILE');
  const link = fresh();
  rmSync(path.join(link, 'ImportToken.bin'));
  symlinkSync('/etc/passwd', path.join(link, 'ImportToken.bin'));
  refusedWith(link, 'BUNDLE_EXTRA_FILE');
  const fifo = fresh();
  rmSync(path.join(fifo, 'ImportToken.bin'));
  execFileSync('mkfifo', [path.join(fifo, 'ImportToken.bin')]);
  refusedWith(fifo, 'BUNDLE_EXTRA_FILE');
});

void test('missing file, and a bundle whose manifest never arrived', () => {
  const missing = fresh();
  rmSync(path.join(missing, 'WrappingPublicKey.der'));
  refusedWith(missing, 'BUNDLE_MISSING_FILE');
  const unfinished = fresh();
  rmSync(path.join(unfinished, 'manifest.json'));
  refusedWith(unfinished, 'BUNDLE_INCOMPLETE');
});

void test('replayed: the same bundle a second time', () => {
  const { dir, digest } = writeOn(online);
  refusedWith(dir, 'BUNDLE_REPLAYED', { acceptedDigests: [digest], lastSequence: 1 });
});

void test('rolled back: an older bundle after a newer one was accepted', () => {
  const medium = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-'));
  const first = writeOn(online, requestBundle({ sequence: 1 }), medium);
  const second = writeOn(online, requestBundle({ sequence: 2 }), medium);
  verifyBundle(
    directorySource(second.dir),
    expectations({ lastSequence: 1, acceptedDigests: [first.digest] }),
  );
  refusedWith(first.dir, 'BUNDLE_ROLLED_BACK', { lastSequence: 2, acceptedDigests: [second.digest] });
});

void test('mixed from two bundles: files of one with the manifest of another', () => {
  const medium = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-'));
  const a = writeOn(online, requestBundle({ sequence: 1 }), medium);
  const b = writeOn(online, requestBundle({ sequence: 2 }), medium);
  // b's token in a's directory: same name, same size, other bytes.
  cpSync(path.join(b.dir, 'ImportToken.bin'), path.join(a.dir, 'ImportToken.bin'));
  refusedWith(a.dir, 'BUNDLE_FILE_DIGEST');
  // b's signature envelope on a's manifest.
  const c = writeOn(online, requestBundle({ sequence: 3 }), medium);
  cpSync(path.join(b.dir, 'manifest.sig'), path.join(c.dir, 'manifest.sig'));
  refusedWith(c.dir, 'BUNDLE_SIGNATURE_INVALID');
});

void test('signed by an unknown station, or re-signed by another one', () => {
  const intruder = newStation();
  const { dir } = writeOn(intruder);
  refusedWith(dir, 'BUNDLE_UNKNOWN_STATION');
  // The intruder re-signs the online station's manifest: the manifest names the other key.
  const medium = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-'));
  const genuine = writeOn(online, requestBundle({ sequence: 5 }), medium);
  const forged = writeOn(intruder, requestBundle({ sequence: 6 }), medium);
  cpSync(path.join(forged.dir, 'manifest.sig'), path.join(genuine.dir, 'manifest.sig'));
  refusedWith(genuine.dir, 'BUNDLE_SIGNATURE_INVALID', { stations: [] });
});

void test('another plan digest, another ceremony, another kind', () => {
  refusedWith(writeOn(online, requestBundle({ planDigest: 'b'.repeat(64) })).dir, 'BUNDLE_OTHER_PLAN');
  refusedWith(
    writeOn(online, requestBundle({ ceremonyId: 'cer-ffffffffffff' })).dir,
    'BUNDLE_OTHER_CEREMONY',
  );
  refusedWith(writeOn(online, requestBundle({ kind: 'response' })).dir, 'BUNDLE_WRONG_KIND');
});

void test('expired import parameters: the bundle, and content that outlives its parameters', () => {
  const past = new Date(Date.now() - 60_000);
  refusedWith(
    writeOn(online, requestBundle({ createdAt: new Date(Date.now() - 3_600_000), expiresAt: past })).dir,
    'BUNDLE_EXPIRED',
  );
  // A manifest that expires later than the parameters it carries: the content check catches it.
  const b = requestBundle({ files: requestFiles(past) });
  refusedWith(writeOn(online, b).dir, 'BUNDLE_PARAMS_EXPIRED');
});

void test('a bundle is never written over an existing one', () => {
  const medium = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-'));
  writeOn(online, requestBundle(), medium);
  assert.throws(() => writeBundle(medium, requestBundle(), online), { code: 'BUNDLE_EXISTS' });
});

void test('an unreadable path is BUNDLE_UNREADABLE, not "invalid"', () => {
  assert.throws(() => verifyBundle(directorySource('/nonexistent/keyrite-bundle'), expectations()), {
    code: 'BUNDLE_UNREADABLE',
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'keyrite-medium-')), 'f');
  writeFileSync(file, 'x');
  assert.throws(() => verifyBundle(directorySource(file), expectations()), { code: 'BUNDLE_UNREADABLE' });
});
