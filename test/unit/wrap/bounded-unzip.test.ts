import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { zipSync } from 'fflate';
import { unzipBounded } from '../../../src-shared/wrap/bounded-unzip.js';
import { parseImportParameters } from '../../../src-shared/wrap/index.js';
import { fixture, throwsCode } from './harness/helpers.js';

/*
 * Issue 12 (low): a ZIP entry that lies about its size was inflated in full (fflate's unzipSync sizes
 * its output by the header, then inflates the whole stream: 14 s of CPU for a 1 MiB zip that expands
 * to 1 GiB). The bounded unzip stops at the declared size or the cap, whichever is smaller.
 */

const KEY_ID = 'f44c4e20-f83c-48f4-adc6-a1ef38829760';
const TS = '0809092909';
const NOW = new Date('2026-11-24T02:00:00Z');
const spki = createPublicKey(fixture('wrapping-rsa-2048.pub.pem')).export({ type: 'spki', format: 'der' });

/** A console-like zip whose token entry inflates to `real` bytes but whose headers say `claimed`. */
function lyingZip(real: number, claimed: number, level: 0 | 9 = 9): Buffer {
  const z = Buffer.from(
    zipSync(
      {
        [`wrappingKey_${KEY_ID}_${TS}`]: spki,
        [`importToken_${KEY_ID}_${TS}`]: new Uint8Array(real),
      },
      { level },
    ),
  );
  const name = Buffer.from(`importToken_${KEY_ID}_${TS}`);
  // Local header: uncompressed size at offset 22; central directory entry: at offset 24.
  const local = z.indexOf(name) - 30;
  z.writeUInt32LE(claimed, local + 22);
  const central = z.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
  z.writeUInt32LE(claimed, central + 24);
  return z;
}

void test('an entry that inflates past what its headers declare is refused as soon as it does', () => {
  assert.throws(() => unzipBounded(lyingZip(8 * 1024 * 1024, 300), 16, 256 * 1024), {
    message: new RegExp(`entry importToken_${KEY_ID}_${TS} inflates past 300 bytes, more than it declares`),
  });
  const e = throwsCode(
    () =>
      parseImportParameters([{ name: 'ImportParameters.zip', bytes: lyingZip(8 * 1024 * 1024, 300) }], NOW),
    'PARAMS_INVALID',
  );
  assert.match(
    e.message,
    /ImportParameters\.zip is not a readable ImportParameters\.zip: entry .* inflates past 300 bytes/,
  );
});

void test('a stored (uncompressed) entry that lies is refused too; honest entries over the cap are refused by their header', () => {
  assert.throws(() => unzipBounded(lyingZip(64 * 1024, 10, 0), 16, 256 * 1024), {
    message: /inflates past 10 bytes/,
  });
  assert.throws(() => unzipBounded(lyingZip(300 * 1024, 300 * 1024), 16, 256 * 1024), {
    message: /declares 307200 bytes \(at most 262144\)/,
  });
  assert.throws(() => unzipBounded(lyingZip(1024, 1024), 1, 256 * 1024), { message: /more than 1 entries/ });
});

void test('honest entries come back whole, including one exactly at the cap', () => {
  const cap = 64 * 1024;
  const exact = new Uint8Array(cap).fill(7);
  const entries = unzipBounded(
    zipSync({ a: exact, 'dir/': new Uint8Array(0), b: new Uint8Array([1, 2, 3]) }),
    16,
    cap,
  );
  assert.deepEqual(
    entries.map((e) => [e.name, e.bytes.length]),
    [
      ['a', cap],
      ['b', 3],
    ],
  );
  assert.ok(Buffer.from(entries[0]?.bytes ?? []).equals(Buffer.from(exact)));
});
