import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  linuxRemovableVolumes,
  listRemovableVolumes,
  parseMountinfo,
  parseWindowsDrives,
} from '../../../src-main/media/removable-volumes.js';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-volumes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A sysfs tree as the kernel lays it out: dev/block/MAJ:MIN → the device; partitions under their disk. */
function fakeSysfs(root: string): string {
  const sys = path.join(root, 'sys');
  const device = (majorMinor: string, diskPath: string, removable: string, part?: string) => {
    const disk = path.join(sys, 'devices', diskPath);
    mkdirSync(disk, { recursive: true });
    writeFileSync(path.join(disk, 'removable'), `${removable}\n`);
    let target = disk;
    if (part) {
      target = path.join(disk, part);
      mkdirSync(target, { recursive: true });
      writeFileSync(path.join(target, 'partition'), '1\n');
    }
    mkdirSync(path.join(sys, 'dev', 'block'), { recursive: true });
    symlinkSync(target, path.join(sys, 'dev', 'block', majorMinor));
  };
  // A USB stick that reports removable = 0 (most USB disks and SSDs do): found by its USB path.
  device('8:17', 'pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb', '0', 'sdb1');
  // An SD card reader's card: removable = 1, on a partition.
  device('8:33', 'pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0/block/sdc', '1', 'sdc1');
  // The station's own disk: neither.
  device('259:2', 'pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1', '0', 'nvme0n1p2');
  device('259:1', 'pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1', '0', 'nvme0n1p1');
  // A whole-disk removable medium without a partition table (a floppy-style stick).
  device('8:48', 'pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/host7/target7:0:0/7:0:0:0/block/sdd', '1');
  return sys;
}

const MOUNTINFO = [
  '21 26 0:20 / /proc rw,relatime - proc proc rw',
  '26 1 259:2 / / rw,relatime - ext4 /dev/nvme0n1p2 rw',
  '27 26 259:1 / /boot/efi rw,relatime - vfat /dev/nvme0n1p1 rw',
  '28 26 0:45 / /tmp rw,nosuid - tmpfs tmpfs rw',
  '412 26 8:17 / /media/dana/KEYRITE-A rw,nosuid,nodev,relatime shared:210 - vfat /dev/sdb1 rw,uid=1000',
  '413 26 8:33 / /media/dana/SD\\040CARD ro,nosuid,nodev,relatime shared:211 - exfat /dev/sdc1 ro',
  // The same stick bind-mounted inside a container: not a second medium.
  '414 26 8:17 /bundles /srv/bundles rw,relatime - vfat /dev/sdb1 rw',
  '415 26 8:48 / /run/media/kenji/STICK rw,relatime - ext4 /dev/sdd rw',
  '416 26 0:60 / /mnt/share rw - nfs4 server:/export rw',
  'a malformed line - with words',
  '',
].join('\n');

void test('Linux: removable volumes come from the mount table and sysfs (removable flag or a USB path), with escaped names decoded', (t) => {
  const root = scratch(t);
  const sysfs = fakeSysfs(root);
  const mountinfo = path.join(root, 'mountinfo');
  writeFileSync(mountinfo, MOUNTINFO);
  const volumes = linuxRemovableVolumes({ mountinfo, sysfs });
  assert.deepEqual(
    volumes.map((v) => [v.mountPoint, v.label, v.fileSystem, v.readOnly]),
    [
      ['/media/dana/KEYRITE-A', 'KEYRITE-A', 'vfat', false],
      ['/media/dana/SD CARD', 'SD CARD', 'exfat', true],
      ['/run/media/kenji/STICK', 'STICK', 'ext4', false],
    ],
  );
});

void test('mountinfo parsing: optional fields, octal escapes, and malformed lines skipped', () => {
  const m = parseMountinfo(MOUNTINFO);
  assert.equal(m.length, 9);
  const sd = m.find((e) => e.majorMinor === '8:33');
  assert.equal(sd?.mountPoint, '/media/dana/SD CARD');
  assert.equal(sd?.fileSystem, 'exfat');
  assert.equal(sd?.source, '/dev/sdc1');
  assert.deepEqual(parseMountinfo('1 2 x:y / /a rw - ext4 /dev/a rw\n1 2 8:1 / /b rw\n'), []);
});

void test('Windows: removable drives from PowerShell JSON, one object or an array, junk ignored', () => {
  // ConvertTo-Json prints one object (not an array) when only one drive matches.
  assert.deepEqual(
    parseWindowsDrives('{"DeviceID":"E:","VolumeName":"KEYRITE-A","FileSystem":"FAT32","Access":0}'),
    [{ mountPoint: 'E:\\', label: 'KEYRITE-A (E:)', fileSystem: 'FAT32', readOnly: false }],
  );
  assert.deepEqual(
    parseWindowsDrives(
      '[{"DeviceID":"F:","VolumeName":"","FileSystem":"exFAT","Access":1},{"DeviceID":"\\\\\\\\?\\\\evil","VolumeName":"x"},null,{"DeviceID":"g:","VolumeName":null,"FileSystem":null,"Access":null}]',
    ),
    [
      { mountPoint: 'F:\\', label: 'Removable disk (F:)', fileSystem: 'exFAT', readOnly: true },
      { mountPoint: 'G:\\', label: 'Removable disk (G:)', readOnly: false },
    ],
  );
  assert.deepEqual(parseWindowsDrives(''), []);
});

void test('Windows through the listing: a failing or hanging query gives no volumes and says why, within the timeout', async () => {
  const ok = await listRemovableVolumes({
    platform: 'win32',
    windowsQuery: async () =>
      '[{"DeviceID":"H:","VolumeName":"B","FileSystem":"FAT32","Access":0},{"DeviceID":"E:","VolumeName":"A","FileSystem":"FAT32","Access":0}]',
  });
  assert.deepEqual(
    ok.volumes.map((v) => v.label),
    ['A (E:)', 'B (H:)'],
  );
  assert.equal(ok.problem, undefined);
  const failed = await listRemovableVolumes({
    platform: 'win32',
    windowsQuery: async () => {
      throw Object.assign(new Error('spawn powershell.exe ENOENT'), { code: 'ENOENT' });
    },
  });
  assert.deepEqual(failed, { volumes: [], problem: 'the removable drives could not be listed (ENOENT)' });
  // The listing's timer does not hold a process open (unref); a never-settling query holds nothing
  // either, so without this timer node could end the test file before the 50 ms are up.
  const keepAlive = setInterval(() => undefined, 1000);
  const hung = await listRemovableVolumes({
    platform: 'win32',
    timeoutMs: 50,
    windowsQuery: () => new Promise<string>(() => undefined),
  }).finally(() => clearInterval(keepAlive));
  assert.deepEqual(hung, { volumes: [], problem: 'the list of removable drives took longer than 0.05 s' });
  const bad = await listRemovableVolumes({ platform: 'win32', windowsQuery: async () => '{not json' });
  assert.equal(bad.volumes.length, 0);
  assert.match(bad.problem ?? '', /could not be listed/);
});

void test('macOS: every volume under /Volumes except the start-up disk (a link to /, or on its device), hidden entries and files', async (t) => {
  // A volume is another device than the start-up disk: the fixture's "Volumes" is on tmpfs (/dev/shm),
  // the start-up disk is / (or, in the second call, the tmpfs itself).
  const shm = mkdtempSync(path.join('/dev/shm', 'keyrite-volumes-'));
  t.after(() => rmSync(shm, { recursive: true, force: true }));
  assert.notEqual(statSync(shm).dev, statSync('/').dev, '/dev/shm must be its own file system for this test');
  const volumes = path.join(shm, 'Volumes');
  mkdirSync(path.join(volumes, 'KEYRITE-B'), { recursive: true });
  mkdirSync(path.join(volumes, '.Trashes'), { recursive: true });
  symlinkSync('/', path.join(volumes, 'Macintosh HD'));
  symlinkSync(path.join(volumes, 'KEYRITE-B'), path.join(volumes, 'link-to-B'));
  writeFileSync(path.join(volumes, 'stray-file'), '');
  const list = await listRemovableVolumes({ platform: 'darwin', volumesDir: volumes });
  assert.deepEqual(list, {
    volumes: [{ mountPoint: path.join(volumes, 'KEYRITE-B'), label: 'KEYRITE-B', readOnly: false }],
  });
  const onStartup = await listRemovableVolumes({ platform: 'darwin', volumesDir: volumes, startupDisk: shm });
  assert.deepEqual(onStartup, { volumes: [] });
  const missing = await listRemovableVolumes({ platform: 'darwin', volumesDir: path.join(shm, 'none') });
  assert.deepEqual(missing, { volumes: [], problem: 'the removable drives could not be listed (ENOENT)' });
});

void test('Linux through the listing: an unreadable mount table is said, not thrown', async (t) => {
  const root = scratch(t);
  const r = await listRemovableVolumes({
    platform: 'linux',
    linux: { mountinfo: path.join(root, 'absent'), sysfs: path.join(root, 'sys') },
  });
  assert.deepEqual(r, { volumes: [], problem: 'the removable drives could not be listed (ENOENT)' });
  const real = await listRemovableVolumes({ platform: 'linux' });
  assert.equal(real.problem, undefined, 'this machine’s own /proc/self/mountinfo and /sys are read');
});

void test('more than 32 drives: the first 32 by name are listed and the list says it was cut', async (t) => {
  const shm = mkdtempSync(path.join('/dev/shm', 'keyrite-volumes-'));
  t.after(() => rmSync(shm, { recursive: true, force: true }));
  const volumes = path.join(shm, 'Volumes');
  const names = Array.from({ length: 40 }, (_, i) => `STICK-${String(i).padStart(2, '0')}`);
  for (const n of names) mkdirSync(path.join(volumes, n), { recursive: true });
  const list = await listRemovableVolumes({ platform: 'darwin', volumesDir: volumes });
  assert.deepEqual(
    list.volumes.map((v) => v.label),
    names.slice(0, 32),
  );
  assert.equal(
    list.problem,
    '40 removable drives are mounted; the first 32 by name are listed (choose a folder by hand for another)',
  );
});
