import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import { passphrasesFor, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';
import { rehearseArgs, runCli } from './harness/crash-child.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { verifyBundle } from '../../../src-shared/bundle/verify.js';
import { directorySource } from '../../../src-main/media/bundle-dir.js';

/*
 * Disk faults during a real `keyrite rehearse` child: the disk becomes full at a named point of the
 * ceremony (log append, share write, report writing, a bundle on the medium of an air-gapped
 * rehearsal), so the next write that needs space meets the operating system's own error. Where the
 * runner may mount (root in CI's container), each run gets a small tmpfs that a filler file fills
 * (ENOSPC / SQLITE_FULL); where mounting is refused, the child's file-size limit drops to 0 instead
 * (EFBIG / SQLITE_IOERR_WRITE) — the test says which ran. One case always runs under the file-size
 * limit, so a log append meeting an I/O error is covered either way. Each run must stop with a coded
 * error naming the disk (never "internal error"), leave a log that verifies and no half-written file,
 * and complete with --resume once there is room again (an air-gapped rehearsal cannot resume: there,
 * the partial bundle must be refused).
 */
let emu: RunningEmulator;
const tmp = tempDir('disk');
const passphrases = passphrasesFor(4, 'disk');
let canMount = false;

void before(async () => {
  emu = await startEmulator();
  const probe = path.join(tmp.dir, 'probe');
  mkdirSync(probe);
  canMount = mount(probe);
  if (canMount) umount(probe);
  console.log(
    canMount
      ? 'disk faults: a real tmpfs per run, filled at the point (ENOSPC)'
      : `disk faults: mounting is refused here, so the child's file-size limit is dropped instead (EFBIG)`,
  );
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

function mount(dir: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', dir]).status === 0;
}
function umount(dir: string): void {
  const r = spawnSync('umount', [dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `umount ${dir}: ${r.stderr}`);
}

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function assertLogSound(dbFile: string, complete: boolean): void {
  const log = loadLog(dbFile);
  const v = verifyLog(log);
  assert.equal(v.ok, true, v.ok ? '' : `the log must verify: ${v.reason}`);
  if (!complete) return;
  const imports = log.records.filter(
    (r) =>
      r.type === 'outcome' && r.payload['action'] === 'kms.import-key-material' && r.payload['ok'] === true,
  );
  assert.equal(imports.length, 1, 'exactly one import took effect');
  const open = log.records.filter(
    (r) =>
      r.type === 'intent' &&
      !log.records.some((o) => o.type === 'outcome' && o.payload['intentSeq'] === r.seq),
  );
  assert.equal(open.length, 0, 'every intent is settled');
}

type Layer = 'tmpfs' | 'file-size limit';

async function fullDiskAt(name: string, point: string, layer: Layer): Promise<void> {
  const mnt = path.join(tmp.dir, name);
  mkdirSync(mnt);
  if (layer === 'tmpfs') assert.ok(mount(mnt), `mount a tmpfs on ${mnt}`);
  try {
    const dir = path.join(mnt, 'ceremony');
    const filler = path.join(mnt, 'filler.bin');
    const planFile = path.join(tmp.dir, `${name}.plan.json`);
    const plan = defaultRehearsalPlan() as PlanDoc;
    setIn(plan, 'target.key.create.alias', `alias/disk-${name}`);
    writeFileSync(planFile, JSON.stringify(plan));
    const args = rehearseArgs(dir, planFile, emu.url);
    const env = {
      KEYRITE_DISK_FULL_AT: point,
      ...(layer === 'tmpfs' ? { KEYRITE_DISK_FULL_FILLER: filler } : {}),
    };
    const first = await runCli(args, passphrases, undefined, undefined, env);
    assert.equal(first.signal, null, `the child must not die of a signal: ${first.err}`);
    assert.equal(first.code, 1, `a coded error (exit 1), not a crash: ${first.err}\n${first.out}`);
    assert.doesNotMatch(first.err, /internal error|bug in Keyrite/);
    assert.match(
      first.err,
      /keyrite: .*(is full|cannot grow|reported an I\/O error).*\((ENOSPC|EDQUOT|EFBIG|SQLITE_FULL|SQLITE_IOERR[A-Z_]*)\)/,
    );
    assert.ok(first.err.includes(dir), `the error names where: ${first.err}`);
    // The write that met the full disk is the one named: the log, a share file (when the disk fills
    // between its intent and the write; after the write, the next write is the log's), the report.
    const named = point.startsWith('done:close')
      ? 'report.html'
      : /^intent:.*:shares\//.test(point)
        ? 'shares/'
        : layer === 'tmpfs'
          ? undefined
          : 'audit.db';
    if (named) assert.ok(first.err.includes(named), `the error names ${named}: ${first.err}`);
    assert.match(first.err, /hint: .*resume/);
    // Nothing half-written: no temp file left, and the log holds only whole records that verify.
    assert.deepEqual(
      filesUnder(dir).filter((f) => /\.tmp$/.test(f)),
      [],
    );
    assertLogSound(path.join(dir, 'audit.db'), false);

    // Room again (the filler deleted; a new process has no lowered limit): resume completes.
    rmSync(filler, { force: true });
    const second = await runCli([...args, '--resume'], passphrases);
    assert.equal(second.code, 0, `resume after space was freed: ${second.err}\n${second.out}`);
    assert.match(second.out, /key state: {3}Enabled/);
    assert.ok(existsSync(path.join(dir, 'report.html')), 'the report is written');
    assertLogSound(path.join(dir, 'audit.db'), true);
  } finally {
    if (layer === 'tmpfs') umount(mnt);
  }
}

const LONG = process.env['KEYRITE_FAULTS'] === 'long';
/** Where the disk fills: the next write is a log append, a share file, the report. */
const POINTS = LONG
  ? [
      'start:enroll',
      'start:create-key',
      'effect:kms.create-key',
      'start:import-parameters',
      'start:generate-material',
      'intent:media.write-file:shares/custodian-1.share.json',
      'intent:media.write-file:shares/custodian-2.share.json',
      'effect:media.write-file:shares/custodian-3.share.json',
      'start:verify-shares',
      'start:wrap',
      'intent:kms.import-key-material',
      'effect:kms.import-key-material',
      'start:verify',
      'start:handover',
      'start:close',
      'done:close',
    ]
  : ['start:create-key', 'intent:media.write-file:shares/custodian-2.share.json', 'done:close'];

void describe('disk full at a point of a rehearsal: stops with a coded error, resumes when there is room', () => {
  for (const point of POINTS) {
    void test(`disk full at ${point}`, async () => {
      await fullDiskAt(point.replace(/[^a-z0-9]+/gi, '-'), point, canMount ? 'tmpfs' : 'file-size limit');
    });
  }
  void test('a bundle write meets a full medium (air-gapped rehearsal): coded, the log verifies, the partial bundle is refused', async () => {
    const layer: Layer = canMount ? 'tmpfs' : 'file-size limit';
    const mnt = path.join(tmp.dir, 'bundle');
    mkdirSync(mnt);
    if (layer === 'tmpfs') assert.ok(mount(mnt), `mount a tmpfs on ${mnt}`);
    try {
      const dir = path.join(mnt, 'split');
      const env = {
        KEYRITE_DISK_FULL_AT: 'intent:media.write-bundle',
        ...(layer === 'tmpfs' ? { KEYRITE_DISK_FULL_FILLER: path.join(mnt, 'filler.bin') } : {}),
      };
      const r = await runCli(
        ['rehearse', '--air-gapped', '--out', dir],
        passphrases,
        undefined,
        undefined,
        env,
      );
      assert.equal(r.signal, null, r.err);
      assert.equal(r.code, 1, `a coded error, not a crash: ${r.err}`);
      assert.doesNotMatch(r.err, /internal error|bug in Keyrite/);
      assert.match(r.err, /keyrite: .*(is full|cannot grow).*\((ENOSPC|EFBIG)\)/);
      assert.ok(r.err.includes(path.join(dir, 'media')), `the error names the medium: ${r.err}`);
      assertLogSound(path.join(dir, 'online', 'audit.db'), false);
      assert.deepEqual(
        filesUnder(dir).filter((f) => /\.tmp$/.test(f)),
        [],
      );
      // What the full medium holds of the bundle is never accepted as one.
      const media = path.join(dir, 'media');
      const partial = readdirSync(media).filter((n) => n.startsWith('keyrite-'));
      assert.ok(partial.length > 0, 'the bundle directory was begun');
      for (const b of partial)
        assert.throws(
          () =>
            verifyBundle(directorySource(path.join(media, b)), {
              now: new Date(),
              kind: 'request',
              ceremonyId: b.replace(/^keyrite-(cer-[0-9a-f]+)-.*$/, '$1'),
              planDigest: '0'.repeat(64),
              stations: [],
            }),
          (e: unknown) => e instanceof KeyriteError && e.code.startsWith('BUNDLE_'),
        );
    } finally {
      if (layer === 'tmpfs') umount(mnt);
    }
  });
  void test('a log append meets a write error (file-size limit): coded, the log verifies, resume completes', async () => {
    await fullDiskAt('limit-create-key', 'start:create-key', 'file-size limit');
  });
});
