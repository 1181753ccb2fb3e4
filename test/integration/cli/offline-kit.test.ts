// The offline install kit as an offline workstation meets it: built with one command (which prints the
// archive's SHA-256), unpacked and installed inside a network namespace with no interface up, then
// `keyrite` run from another directory — including SQLite (audit verify) and a whole rehearsal over
// loopback only.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from './harness/launcher.js';

let work: string;
let archive: string;
let kitDir: string;
const FIX = path.join(ROOT, 'test', 'fixtures');

/** Runs a shell script in a new network namespace: no interfaces but a loopback that is down. */
function offline(script: string, env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const r = spawnSync('unshare', ['--net', '/bin/sh', '-c', `set -e\n${script}`], {
    cwd: '/',
    encoding: 'utf8',
    // Only what a fresh shell on the workstation has: no checkout paths, no npm, no AWS settings.
    env: { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: work, ...env },
    timeout: 300_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

before(() => {
  const probe = spawnSync('unshare', ['--net', 'true'], { encoding: 'utf8' });
  assert.equal(
    probe.status,
    0,
    `the offline kit test needs unshare --net (util-linux) and the right to make a network namespace (root, or user namespaces): ${probe.stderr}`,
  );
  work = mkdtempSync(path.join(tmpdir(), 'keyrite-kit-test-'));
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'src-main', 'build', 'offline-kit.mjs'), '--out', path.join(work, 'release')],
    {
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const m = /^offline kit: (\S+\.tar\.gz) /m.exec(r.stdout);
  assert.ok(m?.[1], r.stdout);
  archive = m[1];
  const printed = /^SHA-256: ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
  const actual = createHash('sha256').update(readFileSync(archive)).digest('hex');
  assert.equal(printed, actual, 'the printed SHA-256 is the archive’s');
  assert.equal(readFileSync(`${archive}.sha256`, 'utf8'), `${actual}  ${path.basename(archive)}\n`);
  execFileSync('tar', ['-xzf', archive, '-C', work]);
  kitDir = path.join(work, path.basename(archive, '.tar.gz'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

void test('installed with no network, keyrite runs from any directory: wrap, plan check, a rehearsal over loopback, SQLite', () => {
  // The kit carries the bundled command line alone, so everything below runs from the bundle.
  assert.ok(existsSync(path.join(kitDir, 'dist', 'cli', 'commands', 'rehearse.cjs')));
  assert.equal(
    existsSync(path.join(kitDir, 'dist', 'src-main')),
    false,
    'no compiled modules beside the bundle',
  );
  const prefix = path.join(work, 'prefix');
  const data = path.join(work, 'data');
  mkdirSync(data);
  for (const f of ['wrap/wrapping-rsa-2048.pub.pem', 'plans/ecc-sign-grant.yaml'])
    copyFileSync(path.join(FIX, f), path.join(data, path.basename(f)));
  writeFileSync(path.join(data, 'key.bin'), Buffer.alloc(32, 7));

  const install = offline(`
    test "$(ip -o link | wc -l)" = 1
    ip -o link show lo | grep -q 'state DOWN'
    sh '${kitDir}/install.sh' --prefix '${prefix}'`);
  assert.equal(install.code, 0, install.err + install.out);
  assert.match(install.out, /installed Keyrite 0\.1\.0 in .*prefix\/lib\/keyrite-0\.1\.0/);

  const used = offline(
    `
    export PATH='${prefix}/bin':$PATH
    cd '${data}'
    keyrite --version
    keyrite plan check ecc-sign-grant.yaml
    keyrite wrap --wrapping-key wrapping-rsa-2048.pub.pem --algorithm RSAES_OAEP_SHA_256 --unchecked-algorithm \\
      --material key.bin --key-spec SYMMETRIC_DEFAULT --out wrapped.bin
    ip link set lo up
    keyrite rehearse --out rehearsal
    ip link set lo down
    keyrite audit verify rehearsal/audit.db
    KEYRITE_TEST_VERIFY_SEGMENT=16 keyrite audit verify rehearsal/audit.db`,
    { KEYRITE_TEST: '1', KEYRITE_TEST_SCRYPT_LOG2N: '10' },
  );
  assert.equal(used.code, 0, used.err + used.out);
  assert.match(used.out, /^keyrite 0\.1\.0$/m);
  assert.match(used.out, /^result +acceptable offline$/m);
  assert.match(used.out, /^wrote +wrapped\.bin \(256 bytes\)$/m);
  assert.match(used.out, /^key state: +Enabled$/m);
  assert.match(used.out, /^audit log intact: rehearsal\/audit\.db$/m);
  // Segment workers start from the kit's bundle too (small segments put a rehearsal's log on them).
  assert.match(used.out, /^ {2}checked in \d+ segments on \d+ worker threads$/m);
  assert.ok(existsSync(path.join(data, 'rehearsal', 'report.html')));

  const again = offline(`sh '${kitDir}/install.sh' --prefix '${prefix}'`);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists\n {2}hint: remove it first/);
});

void test('the installer refuses an altered kit and a Node.js the bundled SQLite module was not built for, installing nothing', () => {
  const prefix = path.join(work, 'refused');
  const altered = path.join(work, 'altered');
  execFileSync('cp', ['-a', kitDir, altered]);
  appendFileSync(path.join(altered, 'dist', 'cli', 'main.cjs'), '\n// changed\n');
  const tampered = offline(`sh '${altered}/install.sh' --prefix '${prefix}'`);
  assert.equal(tampered.code, 1);
  assert.match(tampered.err, /do not match SHA256SUMS \(damaged or altered\)/);

  // Another Node.js major: a `node` on PATH that reports another module version.
  const fakeBin = path.join(work, 'fake-node');
  mkdirSync(fakeBin);
  writeFileSync(
    path.join(fakeBin, 'node'),
    '#!/bin/sh\nif [ "$1" = --version ]; then echo v99.0.0; else echo "linux-x64 999"; fi\n',
  );
  chmodSync(path.join(fakeBin, 'node'), 0o755);
  const wrongNode = offline(`PATH='${fakeBin}':$PATH sh '${kitDir}/install.sh' --prefix '${prefix}'`);
  assert.equal(wrongNode.code, 1);
  assert.match(wrongNode.err, /this machine has linux-x64 999 \(Node\.js v99\.0\.0\)/);
  assert.equal(existsSync(prefix), false, 'nothing installed');
});
