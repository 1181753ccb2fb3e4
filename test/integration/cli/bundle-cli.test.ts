// `keyrite bundle verify` as an operator runs it on a bundle on the medium: exit 0 valid with the
// station's fingerprint and the bundle digest in hex and words, 1 invalid with the reason, 2 unreadable.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { newStation, writeOn } from '../media/harness/bundle-fixture.js';
import { assertOneReasonOneHint, keyriteSync } from './harness/launcher.js';

const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[]) => keyriteSync(args, { cwd: dir });
const online = newStation();

void test('bundle verify: a valid bundle, with and without the station pinned', () => {
  const b = writeOn(online);
  const r = run(['bundle', 'verify', b.dir, '--station', online.fingerprint.toUpperCase()]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^bundle valid: /m);
  assert.match(r.stdout, /kind: +request \(number 1 from its station\)/);
  assert.ok(r.stdout.includes(`written by:    station ${online.fingerprint}`));
  assert.ok(r.stdout.includes(toWords(online.fingerprint)));
  assert.ok(r.stdout.includes(`bundle digest: ${b.digest}`));
  assert.ok(r.stdout.includes(toWords(b.digest)));
  const unpinned = run(['bundle', 'verify', b.dir]);
  assert.equal(unpinned.code, 0);
  assert.match(unpinned.stdout, /note: no --station given/);
});

void test('bundle verify: an altered bundle and another station exit 1 with the reason', () => {
  const b = writeOn(online);
  const token = path.join(b.dir, 'ImportToken.bin');
  const bytes = readFileSync(token);
  bytes[0]! ^= 1;
  writeFileSync(token, bytes);
  const r = run(['bundle', 'verify', b.dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^bundle INVALID: /m);
  assert.match(
    r.stdout,
    /why: bundle file ImportToken.bin is not the file the manifest signed .*\[BUNDLE_FILE_DIGEST\]/,
  );
  assert.match(r.stdout, /what to do: \S/);
  const other = run(['bundle', 'verify', writeOn(online).dir, '--station', newStation().fingerprint]);
  assert.equal(other.code, 1);
  assert.match(other.stdout, /\[BUNDLE_UNKNOWN_STATION\]/);
});

void test('bundle verify: unreadable paths and bad arguments exit 2', () => {
  const missing = run(['bundle', 'verify', path.join(dir, 'no-such-bundle')]);
  assert.equal(missing.code, 2);
  assertOneReasonOneHint(missing, /cannot read the bundle .*does not exist/);
  const badStation = run(['bundle', 'verify', writeOn(online).dir, '--station', 'abc']);
  assert.equal(badStation.code, 2);
  assertOneReasonOneHint(badStation, /is not a key fingerprint/);
  const unknownOption = run(['bundle', 'verify', '--frobnicate']);
  assert.equal(unknownOption.code, 2);
  assertOneReasonOneHint(unknownOption, /bundle verify/);
});
