import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DiscoveryOptions } from '../../../src-main/media/removable-volumes.js';

/**
 * A USB stick as Linux reports it, without mounting anything: a mount table (mountinfo format) that
 * lists `mountPoint` on block device 8:17, and a sysfs tree where 8:17 is a partition of a disk on a
 * USB path. The app's real discovery code reads both; the "stick" itself is an ordinary directory.
 */
export function fakeUsbStick(root: string, mountPoint: string): DiscoveryOptions {
  const sys = path.join(root, 'sys');
  const disk = path.join(
    sys,
    'devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb',
  );
  mkdirSync(path.join(disk, 'sdb1'), { recursive: true });
  writeFileSync(path.join(disk, 'removable'), '0\n');
  writeFileSync(path.join(disk, 'sdb1', 'partition'), '1\n');
  mkdirSync(path.join(sys, 'dev', 'block'), { recursive: true });
  symlinkSync(path.join(disk, 'sdb1'), path.join(sys, 'dev', 'block', '8:17'));
  const escaped = mountPoint.replace(
    /[ \t\n\\]/g,
    (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`,
  );
  const mountinfo = path.join(root, 'mountinfo');
  writeFileSync(
    mountinfo,
    [
      '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
      `412 26 8:17 / ${escaped} rw,nosuid,nodev,relatime shared:210 - vfat /dev/sdb1 rw,uid=1000`,
      '',
    ].join('\n'),
  );
  return { platform: 'linux', linux: { mountinfo, sysfs: sys } };
}
