// `audit verify --join` and the outputs for other clouds: the online station shows (hand-over, report)
// the records the response carried "as logged on the offline station"; the join holds it to that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinSides, type StationSide } from '../../../src-main/audit/join-logs.js';

const OFFLINE_FP = 'b'.repeat(64);
const logged = {
  cloud: 'gcp',
  file: 'outputs/gcp-1-payments.bin',
  bytes: 522,
  outputDigest: 'c'.repeat(64),
  wrappingKeyFingerprint: 'd'.repeat(64),
  method: 'rsa-oaep-3072-sha256-aes-256',
  destination: 'Cloud KMS import job projects/p/locations/l/keyRings/r/importJobs/j',
  command: 'gcloud kms keys versions import --wrapped-key-file=outputs/gcp-1-payments.bin',
};
const relayed = { ...logged, offlineStationFingerprint: OFFLINE_FP, folder: 'keyrite-cer-1-outputs-1' };

function sides(onlineOutputs: Record<string, unknown>[]): [StationSide, StationSide] {
  const common = { ceremonyId: 'cer-1', planDigest: 'e'.repeat(64), refused: [] };
  const response = { kind: 'response' as const, sequence: 1, digest: 'f'.repeat(64) };
  return [
    {
      ...common,
      path: 'online.db',
      role: 'online',
      fingerprints: ['a'.repeat(64)],
      written: [],
      accepted: [{ ...response, stationFingerprint: OFFLINE_FP, seq: 9 }],
      outputs: onlineOutputs,
    },
    {
      ...common,
      path: 'offline.db',
      role: 'offline',
      fingerprints: [OFFLINE_FP],
      written: [{ ...response, importTokenDigest: '0'.repeat(64), intentSeq: 7 }],
      accepted: [],
      outputs: [logged],
    },
  ];
}

void test('the join passes when the online station shows each output exactly as the offline log has it', () => {
  const r = joinSides(...sides([relayed]));
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
});

void test('the join fails on an output the online station shows otherwise, lacks, invents, or relays from another station', () => {
  const cases: [Record<string, unknown>[], RegExp][] = [
    [
      [{ ...relayed, command: 'gcloud kms keys versions import --wrapped-key-file=elsewhere.bin' }],
      /^output outputs\/gcp-1-payments\.bin: the online station's record differs from the offline log's in command$/,
    ],
    [
      [{ ...relayed, outputDigest: '1'.repeat(64), bytes: 1 }],
      /differs from the offline log's in bytes, outputDigest$/,
    ],
    [
      [],
      /^output outputs\/gcp-1-payments\.bin: logged on the offline station, but missing from the online station's records/,
    ],
    [
      [relayed, { ...relayed, file: 'outputs/azure-2-x.byok' }],
      /^output outputs\/azure-2-x\.byok: the online station shows it as logged offline, but the offline log has no such output$/,
    ],
    [
      [{ ...relayed, offlineStationFingerprint: '9'.repeat(64) }],
      /relayed it from station 9{64}, which does not sign the offline log$/,
    ],
  ];
  for (const [online, problem] of cases) {
    const [a, b] = sides(online);
    for (const r of [joinSides(a, b), joinSides(b, a)]) {
      assert.equal(r.ok, false);
      assert.equal(r.problems.length, 1, r.problems.join('\n'));
      assert.match(r.problems[0] ?? '', problem);
    }
  }
});
