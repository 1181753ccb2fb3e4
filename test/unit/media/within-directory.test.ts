// The one check both the share copy and the bundle medium use to refuse the station's own data
// directory: a folder inside it is refused, even one named `..x` (which starts with "..").
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { isWithinDirectory } from '../../../src-main/media/within-directory.js';

const root = mkdtempSync(path.join(tmpdir(), 'keyrite-within-'));
void after(() => rmSync(root, { recursive: true, force: true }));

void test('inside, outside, `..x`, links resolved', () => {
  const station = path.join(root, 'station');
  const dotdot = path.join(station, '..x');
  const usb = path.join(root, 'usb');
  for (const d of [station, dotdot, path.join(station, 'a', 'b'), usb]) mkdirSync(d, { recursive: true });
  assert.equal(isWithinDirectory(station, station), true);
  assert.equal(isWithinDirectory(path.join(station, 'a', 'b'), station), true);
  assert.equal(isWithinDirectory(dotdot, station), true, 'a child named ..x is inside');
  assert.equal(isWithinDirectory(path.join(station, '..x', '..', 'a'), station), true);
  assert.equal(isWithinDirectory(usb, station), false);
  assert.equal(isWithinDirectory(root, station), false, 'the parent is outside');
  assert.equal(
    isWithinDirectory(path.join(root, 'stationx'), station),
    false,
    'a sibling with the same prefix',
  );
  // A link on the medium that points back into the station is the station.
  symlinkSync(path.join(station, 'a'), path.join(usb, 'back'));
  assert.equal(isWithinDirectory(path.join(usb, 'back'), station), true);
});
