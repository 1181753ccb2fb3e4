// The medium a bundle goes to, as main checks the renderer's choice: a drive mounted read-only is
// refused for a write in words (MEDIUM_READ_ONLY) before anything is written, and a drive that is not
// in the newest list (gone when the room looked again) is refused too (MEDIUM_NOT_LISTED).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { bundleOps } from '../../../src-main/ipc/services/bundle-ops.js';
import type { CeremonyHost } from '../../../src-main/ipc/services/ceremony-host.js';
import { fakeUsbStick } from '../../e2e/harness/fake-volume.js';

const root = mkdtempSync(path.join(tmpdir(), 'keyrite-bundle-medium-'));
void after(() => rmSync(root, { recursive: true, force: true }));

void test('a read-only drive is refused for a write; a drive gone from the newest list is refused', async () => {
  const stick = path.join(root, 'KEYRITE-STICK');
  mkdirSync(stick);
  const volumes = fakeUsbStick(root, stick);
  const mountinfo = volumes.linux!.mountinfo;
  const rw = readFileSync(mountinfo, 'utf8');
  // The stick's lock switch: the kernel mounts it read-only.
  writeFileSync(mountinfo, rw.replace(' rw,nosuid', ' ro,nosuid'));
  const writes: string[] = [];
  const host = {
    require: () => ({
      bundleDue: () => 'write-request',
      writeBundle: (dir: string) => {
        writes.push(dir);
        throw new Error('must not be reached');
      },
    }),
  } as unknown as CeremonyHost;
  const ops = bundleOps(host, {
    chooseDirectory: async () => null,
    dataDirectory: path.join(root, 'station'),
    volumes,
  });
  const listed = await ops['media.volumes']({});
  assert.equal(listed.volumes.length, 1);
  assert.equal(listed.volumes[0]!.readOnly, true);
  const id = listed.volumes[0]!.id;
  await assert.rejects(
    ops['bundle.write']({ medium: { volumeId: id } }),
    (e: { code?: string; message?: string }) => {
      assert.equal(e.code, 'MEDIUM_READ_ONLY');
      assert.match(
        e.message ?? '',
        /KEYRITE-STICK is mounted read-only: the request bundle cannot be written there/,
      );
      return true;
    },
  );
  // Pulled out and the list refreshed: the old choice is no drive any more.
  writeFileSync(
    mountinfo,
    rw
      .split('\n')
      .filter((l) => !l.includes('8:17'))
      .join('\n'),
  );
  assert.equal((await ops['media.volumes']({})).volumes.length, 0);
  await assert.rejects(ops['bundle.write']({ medium: { volumeId: id } }), { code: 'MEDIUM_NOT_LISTED' });
  assert.deepEqual(writes, [], 'nothing was written');
});
