// Bounded, seeded fuzzing of bundles, manifest and content. Three campaigns: (1) content a station
// really signed — request.json with any field replaced by any JSON, random key and token bytes, files
// dropped or added — through verifyBundle and readRequest; (2) manifest.json bytes near a real one,
// straight into parseManifest (what runs once a signature holds); (3) random damage to the files of a
// bundle on disk. Whatever the input: a bundle and its content, or a KeyriteError with a code and a
// hint — never another exception, never a hang. `npm run test:faults` (KEYRITE_FAULTS=long) runs 20×.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalString, decodeCanonical } from '../../../src-shared/audit/canonical-json.js';
import { readRequest } from '../../../src-shared/bundle/content.js';
import { parseManifest } from '../../../src-shared/bundle/manifest.js';
import { verifyBundle, type BundleExpectations } from '../../../src-shared/bundle/verify.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { directorySource } from '../../../src-main/media/bundle-dir.js';
import { publicKeyToBase64 } from '../../../src-shared/audit/keys.js';
import {
  CEREMONY,
  PLAN_DIGEST,
  newStation,
  requestBundle,
  requestFiles,
  writeOn,
} from './harness/bundle-fixture.js';

const RUNS = process.env['KEYRITE_FAULTS'] === 'long' ? 20 : 1;
const SEED = 17_0404;
const online = newStation();
const expectations = (): BundleExpectations => ({
  now: new Date(),
  kind: 'request',
  ceremonyId: CEREMONY,
  planDigest: PLAN_DIGEST,
  stations: [online.fingerprint],
  lastSequence: 0,
  acceptedDigests: [],
});

function onlyCoded(what: string, fn: () => unknown): 'ok' | 'refused' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof KeyriteError, `${what}: threw ${String(e)} instead of a KeyriteError`);
    assert.ok(e.code.length > 0 && e.hint.length > 0, `${what}: ${e.code} without a hint`);
    return 'refused';
  }
}

/** Replaces the value at a path of `doc` (made from `pick`) with `value`. */
function mutate(doc: unknown, pick: number[], value: unknown): unknown {
  if (pick.length === 0 || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const k = keys[pick[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ({ ...doc } as Record<string, unknown>)
    : { ...doc };
  copy[k] = mutate((doc as Record<string, unknown>)[k], pick.slice(1), value);
  return copy;
}

/** Canonical text when the value has one; JSON.stringify otherwise (floats, -0): also an input to refuse. */
function textOf(v: unknown): string {
  try {
    return canonicalString(v);
  } catch {
    return JSON.stringify(v) ?? 'null';
  }
}

const verifyAndRead = (dir: string): void => {
  const b = verifyBundle(directorySource(dir), expectations());
  readRequest(b, new Date());
};

void test('signed content of any shape: read, or refused with a coded error', () => {
  const validTo = new Date(Date.now() + 3_600_000 * 20);
  const seen = { ok: 0, refused: 0 };
  fc.assert(
    fc.property(
      fc.array(fc.nat(30), { maxLength: 5 }),
      fc.jsonValue({ maxDepth: 3 }),
      fc.option(fc.uint8Array({ maxLength: 600 })),
      fc.constantFrom('none', 'key', 'token', 'drop', 'extra'),
      (pick, value, bytes, fileChange) => {
        const files = new Map(requestFiles(validTo));
        const content = decodeCanonical(files.get('request.json')!);
        files.set('request.json', Buffer.from(textOf(mutate(content, pick, value))));
        if (fileChange === 'key' && bytes) files.set('WrappingPublicKey.der', Buffer.from(bytes));
        if (fileChange === 'token' && bytes) files.set('ImportToken.bin', Buffer.from(bytes));
        if (fileChange === 'drop') files.delete('ImportToken.bin');
        if (fileChange === 'extra') files.set('notes.txt', Buffer.from(bytes ?? 'x'));
        let dir: string | undefined;
        const written = onlyCoded('write', () => {
          dir = writeOn(online, requestBundle({ files, expiresAt: validTo })).dir;
        });
        if (written === 'refused' || !dir) return;
        seen[onlyCoded(`content ${JSON.stringify(pick)}`, () => verifyAndRead(dir!))] += 1;
      },
    ),
    { seed: SEED, numRuns: 150 * RUNS },
  );
  assert.ok(seen.refused > 0, 'some mutated content was refused');
});

void test('manifest bytes near a real one: parsed or refused with a coded error', () => {
  const { dir } = writeOn(online);
  const manifest = readFileSync(path.join(dir, 'manifest.json'));
  const signer = publicKeyToBase64(online.publicKey);
  const doc = decodeCanonical(manifest);
  onlyCoded('the real manifest', () => parseManifest(manifest, signer));
  fc.assert(
    fc.property(fc.array(fc.nat(30), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (pick, value) => {
      const text = textOf(mutate(doc, pick, value));
      onlyCoded('manifest', () => parseManifest(Buffer.from(text), signer));
    }),
    { seed: SEED + 1, numRuns: 300 * RUNS },
  );
  fc.assert(
    fc.property(
      fc.nat(manifest.length - 1),
      fc.integer({ min: 1, max: 255 }),
      fc.nat(manifest.length),
      (at, xor, cut) => {
        const edited = Buffer.from(manifest);
        edited[at] = edited[at]! ^ xor;
        onlyCoded('manifest bytes', () => parseManifest(edited.subarray(0, Math.max(cut, at + 1)), signer));
      },
    ),
    { seed: SEED + 2, numRuns: 300 * RUNS },
  );
});

void test('random damage to a bundle on disk: refused with a coded error, never parsed', () => {
  fc.assert(
    fc.property(
      fc.nat(10),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.boolean(),
      (which, at, xor, cut) => {
        const { dir } = writeOn(online);
        const names = readdirSync(dir).sort();
        const f = path.join(dir, names[which % names.length]!);
        const bytes = readFileSync(f);
        const i = at % Math.max(1, bytes.length);
        if (bytes.length > 0) bytes[i] = bytes[i]! ^ xor;
        writeFileSync(f, cut ? bytes.subarray(0, i) : bytes);
        assert.equal(
          onlyCoded(`damaged ${names[which % names.length]}`, () => verifyAndRead(dir)),
          'refused',
        );
      },
    ),
    { seed: SEED + 3, numRuns: 40 * RUNS },
  );
});
