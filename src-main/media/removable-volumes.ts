import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync, realpathSync, readFileSync, existsSync } from 'node:fs';
import { lstat, readdir, stat, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

/**
 * Removable volumes the station can write a bundle to: USB sticks and SD cards that are mounted now.
 * A folder chosen by hand is always possible besides; this list only saves people the search.
 *
 * Why our own code and not a library: `drivelist` needs a native build (none may be built here or
 * shipped per platform), and `systeminformation` runs lsblk/diskutil/PowerShell without a time limit
 * and parses lsblk's key=value output by string replacement (a label containing `NAME=` breaks it).
 * Linux needs no child process at all: the kernel's mount table and sysfs say everything.
 */
export interface RemovableVolume {
  /** Where it is mounted: the directory a bundle is written into. */
  mountPoint: string;
  /** What people see: the volume's name (its mount directory's name, as udisks and macOS name them). */
  label: string;
  fileSystem?: string;
  readOnly: boolean;
}

export interface VolumeList {
  volumes: RemovableVolume[];
  /** Why the list may be incomplete (a timeout, an unreadable source); a folder by hand still works. */
  problem?: string;
}

/** Where the Linux sources are read from: the real kernel files, or a fixture tree in tests. */
export interface LinuxSources {
  mountinfo: string;
  /** The sysfs root (`/sys`): `dev/block/MAJ:MIN` links to the device, whose disk has `removable`. */
  sysfs: string;
}

export interface DiscoveryOptions {
  platform?: NodeJS.Platform;
  linux?: LinuxSources;
  /** macOS: the directory volumes are mounted under, and a path on the start-up disk (`/`). */
  volumesDir?: string;
  startupDisk?: string;
  /** Windows: runs the drive query; replaced in tests by a fixture's output. */
  windowsQuery?: () => Promise<string>;
  /** The whole discovery gives up after this long (a hung network volume must not hang the screen). */
  timeoutMs?: number;
}

const MOUNTINFO_CAP = 4 * 1024 * 1024;
/** At most this many drives are offered (the app's contract carries no more); the list says when it cut. */
export const MAX_VOLUMES = 32;

/** `\040` and friends: mountinfo escapes space, tab, newline and backslash in paths as octal. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export interface MountEntry {
  majorMinor: string;
  /** The part of the file system mounted here: '/' for a whole file system, else a bind mount. */
  root: string;
  mountPoint: string;
  options: string[];
  fileSystem: string;
  source: string;
}

/** Parses /proc/self/mountinfo (proc(5)); malformed lines are skipped, never trusted. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    const [, , majorMinor, root, mountPoint, options] = fields;
    if (!majorMinor || !/^\d+:\d+$/.test(majorMinor) || !root || !mountPoint || !options) continue;
    out.push({
      majorMinor,
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mountPoint),
      options: options.split(','),
      fileSystem: fields[dash + 1] ?? '',
      source: unescapeOctal(fields[dash + 2] ?? ''),
    });
  }
  return out;
}

function readCapped(file: string, cap: number): string {
  // /proc files report size 0, so the cap is on what is read, not on a stat.
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(cap);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, cap - n, null);
      if (r === 0 || n + r >= cap) {
        n += r;
        break;
      }
      n += r;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * True when the block device MAJ:MIN sits on a removable disk: the disk's `removable` flag (SD cards,
 * most sticks) or a USB path in sysfs (USB disks and SSDs, which report removable = 0).
 */
export function isRemovableBlockDevice(sysfs: string, majorMinor: string): boolean {
  let device: string;
  try {
    device = realpathSync(path.join(sysfs, 'dev', 'block', majorMinor));
  } catch {
    return false;
  }
  const disk = existsSync(path.join(device, 'partition')) ? path.dirname(device) : device;
  let flag = '';
  try {
    flag = readFileSync(path.join(disk, 'removable'), 'utf8').trim();
  } catch {
    flag = '';
  }
  return flag === '1' || /\/usb\d*\//.test(disk);
}

/** Linux: mounted file systems of removable block devices, one entry per mount point. */
export function linuxRemovableVolumes(src: LinuxSources): RemovableVolume[] {
  const mounts = parseMountinfo(readCapped(src.mountinfo, MOUNTINFO_CAP));
  const seen = new Set<string>();
  const out: RemovableVolume[] = [];
  for (const m of mounts) {
    // Major 0 is a virtual or network file system (tmpfs, proc, nfs): never a medium.
    // A bind mount of a directory inside a volume (root other than '/') is not the volume itself.
    if (m.majorMinor.startsWith('0:') || m.mountPoint === '/' || m.root !== '/' || seen.has(m.mountPoint))
      continue;
    if (!isRemovableBlockDevice(src.sysfs, m.majorMinor)) continue;
    seen.add(m.mountPoint);
    out.push({
      mountPoint: m.mountPoint,
      label: path.basename(m.mountPoint) || m.mountPoint,
      fileSystem: m.fileSystem,
      readOnly: m.options.includes('ro'),
    });
  }
  return out;
}

/** macOS: each volume under /Volumes but the start-up disk (a link to /, or on the root's device). */
export async function macVolumes(volumesDir: string, startupDisk = '/'): Promise<RemovableVolume[]> {
  const rootDev = (await stat(startupDisk)).dev;
  const entries = (await readdir(volumesDir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  // Looked up side by side: one slow volume (a sleeping disk) does not make the others wait in line.
  const found = await Promise.all(
    entries.map(async (e): Promise<RemovableVolume | null> => {
      const full = path.join(volumesDir, e.name);
      const l = await lstat(full);
      if (!l.isDirectory() || l.dev === rootDev) return null;
      let readOnly = false;
      try {
        await access(full, constants.W_OK);
      } catch {
        readOnly = true;
      }
      return { mountPoint: full, label: e.name, readOnly };
    }),
  );
  return found.filter((v): v is RemovableVolume => v !== null);
}

interface WindowsDisk {
  DeviceID?: unknown;
  VolumeName?: unknown;
  FileSystem?: unknown;
  Access?: unknown;
}

/** Parses PowerShell's JSON of Win32_LogicalDisk (DriveType 2, removable): one object or an array. */
export function parseWindowsDrives(json: string): RemovableVolume[] {
  const text = json.trim();
  if (text === '') return [];
  const parsed: unknown = JSON.parse(text);
  const disks = (Array.isArray(parsed) ? parsed : [parsed]) as WindowsDisk[];
  const out: RemovableVolume[] = [];
  for (const d of disks) {
    if (typeof d !== 'object' || d === null) continue;
    const id = typeof d.DeviceID === 'string' ? d.DeviceID : '';
    if (!/^[A-Z]:$/i.test(id)) continue;
    const name = typeof d.VolumeName === 'string' && d.VolumeName !== '' ? d.VolumeName : 'Removable disk';
    out.push({
      mountPoint: `${id.toUpperCase()}\\`,
      label: `${name} (${id.toUpperCase()})`,
      ...(typeof d.FileSystem === 'string' && d.FileSystem !== '' ? { fileSystem: d.FileSystem } : {}),
      // Win32_LogicalDisk.Access: 1 = readable only.
      readOnly: d.Access === 1,
    });
  }
  return out;
}

const WINDOWS_QUERY =
  'Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DriveType=2" | ' +
  'Select-Object DeviceID,VolumeName,FileSystem,Access | ConvertTo-Json -Compress';

function runWindowsQuery(timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'powershell.exe',
      ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_QUERY],
      { timeout: timeoutMs, maxBuffer: 256 * 1024, windowsHide: true },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

async function discover(o: DiscoveryOptions, timeoutMs: number): Promise<RemovableVolume[]> {
  const platform = o.platform ?? process.platform;
  if (platform === 'linux')
    return linuxRemovableVolumes(o.linux ?? { mountinfo: '/proc/self/mountinfo', sysfs: '/sys' });
  if (platform === 'darwin') return macVolumes(o.volumesDir ?? '/Volumes', o.startupDisk);
  if (platform === 'win32')
    return parseWindowsDrives(await (o.windowsQuery ?? (() => runWindowsQuery(timeoutMs)))());
  return [];
}

/**
 * Lists the mounted removable volumes, sorted by name. Never throws and never waits longer than the
 * timeout: a failure or a timeout gives what is known (nothing) and says why, and the person chooses
 * a folder by hand.
 */
export async function listRemovableVolumes(o: DiscoveryOptions = {}): Promise<VolumeList> {
  const timeoutMs = o.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  try {
    const r = await Promise.race([discover(o, timeoutMs), timeout]);
    if (r === 'timeout')
      return { volumes: [], problem: `the list of removable drives took longer than ${timeoutMs / 1000} s` };
    const volumes = r.sort(
      (a, b) => a.label.localeCompare(b.label) || a.mountPoint.localeCompare(b.mountPoint),
    );
    if (volumes.length <= MAX_VOLUMES) return { volumes };
    return {
      volumes: volumes.slice(0, MAX_VOLUMES),
      problem: `${volumes.length} removable drives are mounted; the first ${MAX_VOLUMES} by name are listed (choose a folder by hand for another)`,
    };
  } catch (e) {
    const why = e instanceof Error && 'code' in e ? String((e as NodeJS.ErrnoException).code) : 'an error';
    return { volumes: [], problem: `the removable drives could not be listed (${why})` };
  } finally {
    clearTimeout(timer);
  }
}
