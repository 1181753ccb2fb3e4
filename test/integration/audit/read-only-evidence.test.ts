import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openAuditStore } from '../../../src-main/audit/audit-store.js';
import { isolatedEnv, LAUNCHER, type Run } from '../cli/harness/launcher.js';
import { cli, freshLog, stationKeyAt, tempDir, writeCeremony } from './harness/fixture.js';

/*
 * Issue 12, medium 6: an auditor verifies evidence where it lies — a write-protected USB stick, a
 * read-only share — as an ordinary user. Keyrite must read it there and leave every file beside it as
 * it was: no -wal/-shm created, nothing written, no time changed.
 */

/** Name, size, times and mode of every entry in `dir`: what an unchanged directory keeps. */
function listing(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = statSync(path.join(dir, name));
      return `${name} size=${st.size} mode=${st.mode.toString(8)} mtime=${st.mtimeMs} ctime=${st.ctimeMs}`;
    });
}

/** Makes `dir` read-only evidence: files 0444, the directory 0555, readable by anyone on the way there. */
function writeProtect(dir: string): void {
  for (const name of readdirSync(dir)) chmodSync(path.join(dir, name), 0o444);
  chmodSync(dir, 0o555);
  chmodSync(path.dirname(dir), 0o755);
}

function setprivAvailable(): void {
  const r = spawnSync('setpriv', ['--version'], { encoding: 'utf8' });
  assert.ok(
    r.status === 0,
    'this test drops root privileges with setpriv: install util-linux (apt-get install util-linux)',
  );
}

/**
 * Runs the real keyrite as an unprivileged user: as root, through setpriv as nobody (root would ignore
 * the permissions); as anyone else, as that user, to whom the write-protection applies already.
 */
function keyriteUnprivileged(args: string[], cwd: string): Run {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) setprivAvailable();
  const argv = [process.execPath, LAUNCHER, ...args];
  const [cmd, ...rest] = asRoot
    ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...argv]
    : argv;
  const r = spawnSync(cmd ?? '', rest, {
    cwd,
    env: isolatedEnv(cwd),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary root whose write-protected directories are made writable again before it is removed. */
function evidenceRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'keyrite-evidence-test-'));
  t.after(() => {
    const evidence = path.join(root, 'evidence');
    if (existsSync(evidence)) chmodSync(evidence, 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}

/** A directory the unprivileged user may write to (for exports), outside the evidence. */
function scratchFor(root: string): string {
  const out = path.join(root, 'auditor');
  mkdirSync(out);
  chmodSync(out, 0o777);
  return out;
}

void test('issue 12: verify, export and checkpoint read a write-protected log as an unprivileged user and change nothing beside it', async (t) => {
  const root = evidenceRoot(t);
  const made = path.join(root, 'made');
  mkdirSync(made);
  const { db } = freshLog(made, 80);
  const evidence = path.join(root, 'evidence');
  mkdirSync(evidence);
  copyFileSync(db, path.join(evidence, 'audit.db'));
  writeProtect(evidence);
  const before = listing(evidence);
  const work = scratchFor(root);
  const evidenceDb = path.join(evidence, 'audit.db');

  const v = keyriteUnprivileged(['audit', 'verify', evidenceDb], work);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /^audit log intact: /);
  const e = keyriteUnprivileged(
    ['audit', 'export', evidenceDb, '--format', 'html', '--out', path.join(work, 'report.html')],
    work,
  );
  assert.equal(e.code, 0, e.stdout + e.stderr);
  assert.match(readFileSync(path.join(work, 'report.html'), 'utf8'), /Verification passed\./);
  const c = keyriteUnprivileged(
    ['audit', 'checkpoint', evidenceDb, '--out', path.join(work, 'cp.json')],
    work,
  );
  assert.equal(c.code, 0, c.stdout + c.stderr);
  const again = keyriteUnprivileged(
    ['audit', 'verify', evidenceDb, '--checkpoint', path.join(work, 'cp.json')],
    work,
  );
  assert.equal(again.code, 0, again.stdout + again.stderr);

  assert.deepEqual(listing(evidence), before, 'nothing beside the evidence was created or changed');
});

void test('a log taken while its writer was open (records still in its -wal) verifies whole from read-only media', async (t) => {
  const root = evidenceRoot(t);
  const made = path.join(root, 'made');
  mkdirSync(made);
  const db = path.join(made, 'audit.db');
  const store = openAuditStore(db, { stationKey: stationKeyAt(path.join(made, 'station.key')) });
  writeCeremony(store, 60);
  const written = store.head().seq;
  // The station was pulled mid-ceremony: what reached the medium is the database and its write-ahead log.
  const evidence = path.join(root, 'evidence');
  mkdirSync(evidence);
  copyFileSync(db, path.join(evidence, 'audit.db'));
  copyFileSync(`${db}-wal`, path.join(evidence, 'audit.db-wal'));
  store.close();
  assert.ok(
    statSync(path.join(evidence, 'audit.db-wal')).size > 0,
    'the copied log holds records in its WAL',
  );
  writeProtect(evidence);
  const before = listing(evidence);
  const work = scratchFor(root);

  const v = keyriteUnprivileged(['audit', 'verify', path.join(evidence, 'audit.db')], work);
  assert.equal(v.code, 0, v.stdout + v.stderr);
  assert.ok(v.stdout.includes(`records: ${written},`), v.stdout);
  assert.deepEqual(listing(evidence), before);
});

void test('verifying a log in a writable directory leaves no -wal or -shm beside it', async (t) => {
  const dir = tempDir(t);
  const { db } = freshLog(dir, 40);
  const before = listing(dir);
  assert.equal((await cli('audit', 'verify', db)).code, 0);
  assert.equal(
    (
      await cli(
        'audit',
        'export',
        db,
        '--format',
        'jsonl',
        '--out',
        path.join(dir, '..', `${path.basename(dir)}.jsonl`),
      )
    ).code,
    0,
  );
  assert.ok(!existsSync(`${db}-wal`) && !existsSync(`${db}-shm`), readdirSync(dir).join(', '));
  assert.deepEqual(listing(dir), before);
});
