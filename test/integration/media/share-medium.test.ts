import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { isKeyriteError } from '../../../src-shared/errors.js';
import { copyToMedium, mediumOf } from '../../../src-main/media/share-medium.js';

/**
 * Copying a sealed share to a custodian's medium: the file there is whole or absent, read back and
 * compared before anyone is told it is safe to remove, and every failure says what happened to the
 * medium, leaving nothing half-written there.
 */
const DATA = Buffer.from(JSON.stringify({ format: 'keyrite-share/v1', sealed: 'x'.repeat(4000) }) + '\n');
const NAME = 'cer-0123-custodian-1.share.json';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function medium(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'keyrite-medium-test-'));
  t.after(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}

function refusal(run: () => unknown): { code: string; message: string; hint: string } {
  try {
    run();
  } catch (e) {
    assert.ok(isKeyriteError(e), `a KeyriteError, not ${String(e)}`);
    return { code: e.code, message: e.message, hint: e.hint };
  }
  assert.fail('expected a refusal');
}

void test('a share copied to a medium is there whole, read back and checked, with no temp file left', (t) => {
  const dir = medium(t);
  const checked: string[] = [];
  const copy = copyToMedium(DATA, dir, NAME, 'Dana Ruiz', (f) => checked.push(readFileSync(f, 'utf8')));
  assert.deepEqual(copy, { fileName: NAME, bytes: DATA.length, sha256: sha(DATA) });
  assert.deepEqual(readdirSync(dir), [NAME]);
  assert.deepEqual(readFileSync(path.join(dir, NAME)), DATA);
  assert.equal(statSync(path.join(dir, NAME)).mode & 0o777, 0o600, 'only its owner reads it');
  assert.deepEqual(checked, [DATA.toString('utf8')], 'the check reads the copy on the medium');
  // The same share again (a second copy onto a medium that holds it): verified and kept, not rewritten.
  const again = copyToMedium(DATA, dir, NAME, 'Dana Ruiz', () => undefined);
  assert.equal(again.sha256, sha(DATA));
  assert.deepEqual(mediumOf(dir, 'Dana Ruiz'), { device: String(statSync(dir).dev), directory: dir });
});

void test('a different file of the same name is never replaced', (t) => {
  const dir = medium(t);
  writeFileSync(path.join(dir, NAME), 'something else');
  const r = refusal(() => copyToMedium(DATA, dir, NAME, 'Dana Ruiz', () => undefined));
  assert.equal(r.code, 'MEDIUM_FILE_EXISTS');
  assert.match(r.hint, /never replaces/);
  assert.equal(readFileSync(path.join(dir, NAME), 'utf8'), 'something else');
  assert.deepEqual(readdirSync(dir), [NAME], 'no temp file left');
});

void test('a copy that fails its check after writing is removed again', (t) => {
  const dir = medium(t);
  const r = refusal(() =>
    copyToMedium(DATA, dir, NAME, 'Dana Ruiz', () => {
      throw new Error('not a share');
    }),
  );
  assert.equal(r.code, 'MEDIUM_WRITE');
  assert.deepEqual(readdirSync(dir), [], 'nothing is left on the medium');
});

void test('a medium that is gone says so and asks for it again', (t) => {
  const dir = path.join(medium(t), 'pulled-out');
  const r = refusal(() => copyToMedium(DATA, dir, NAME, 'Dana Ruiz', () => undefined));
  assert.equal(r.code, 'MEDIUM_GONE');
  assert.match(r.message, /Dana Ruiz's medium is not there/);
  assert.match(r.hint, /the share stays on the station/);
  assert.equal(refusal(() => mediumOf(dir, 'Dana Ruiz')).code, 'MEDIUM_GONE');
});

void test('a read-only medium is refused with what to do, and nothing is written there', (t) => {
  const root = medium(t);
  const dir = path.join(root, 'locked');
  mkdirSync(dir);
  chmodSync(root, 0o755);
  chmodSync(dir, 0o555);
  // Root ignores file modes, so as root the copy runs as nobody (setpriv), to whom the lock applies.
  const asRoot = process.getuid?.() === 0;
  if (asRoot)
    assert.equal(
      spawnSync('setpriv', ['--version']).status,
      0,
      'this test drops root privileges with setpriv: install util-linux (apt-get install util-linux)',
    );
  const argv = [
    process.execPath,
    '--import',
    'tsx',
    path.join(__dirname, 'harness', 'copy-to-medium-child.ts'),
    dir,
  ];
  const [cmd, ...args] = asRoot
    ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...argv]
    : argv;
  const r = spawnSync(cmd ?? '', args, {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '..', '..', '..'),
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
    code?: string;
    message?: string;
    hint?: string;
  };
  assert.equal(out.code, 'MEDIUM_READ_ONLY', r.stdout);
  assert.match(
    out.message ?? '',
    /Dana Ruiz's medium cannot be written: it is read-only or not writable here \(EACCES\)/,
  );
  assert.match(out.hint ?? '', /write-protect switch/);
  assert.deepEqual(readdirSync(dir), [], 'nothing was written there');
});
