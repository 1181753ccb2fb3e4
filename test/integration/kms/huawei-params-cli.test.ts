import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// `keyrite params inspect` on Huawei's console files and API answer, through the real launcher. The
// fixtures expired on 2026-11-25T10:00:00Z (see test/fixtures/huawei/FORMATS.md), so today they are
// refused with exit 1 — what a person sees with a stale download.
const LAUNCHER = path.resolve(__dirname, '../../../src-main/cli/keyrite.cjs');
const DIR = path.resolve(__dirname, '../../fixtures/huawei');
const consoleFiles = readdirSync(DIR)
  .filter((n) => /_\d{14}$/.test(n))
  .map((n) => path.join(DIR, n));

function keyrite(args: string[]) {
  return spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8' });
}

void test('params inspect reads the Huawei console download and refuses it once expired', () => {
  assert.ok(Date.now() > Date.parse('2026-11-25T10:00:00Z'), 'the fixture is meant to be expired');
  const r = keyrite(['params', 'inspect', ...consoleFiles]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /cloud {10}Huawei Cloud KMS/);
  assert.match(r.stdout, /key id {9}43f1ffd7-18fb-4568-9575-602e009b7ee8/);
  assert.match(r.stdout, /algorithm {6}RSAES_OAEP_SHA_256/);
  assert.match(r.stdout, /valid to {7}2026-11-25T10:00:00\.000Z/);
  assert.match(r.stdout, /status {9}EXPIRED/);
  assert.match(r.stderr, /expired at 2026-11-25T10:00:00\.000Z/);
  assert.match(r.stderr, /hint: download new import parameters/);
});

void test('params inspect --json reads the Huawei API answer', () => {
  const r = keyrite(['params', 'inspect', '--json', path.join(DIR, 'get-parameters-for-import.json')]);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(out.provider, 'huawei');
  assert.equal(out.wrappingKeySpec, 'RSA_2048');
  assert.equal(out.validTo, '2026-11-25T10:00:00.000Z');
  assert.equal(out.importTokenBytes, 160);
  assert.equal(r.status, out.expired ? 1 : 0);
});
