// AWS's own Python SDK, at its current version, drives the rotation, reimport-by-id and multi-Region
// flows against the emulator; openssl wraps the material. The script asserts each step and reports
// what boto3 saw, including the error codes of the refusals.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../src-main/emulator/index.js';
import { boto3Python } from './harness/boto3.js';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({});
});
after(async () => {
  await emulator.close();
});

// The emulator runs in this process: the script must run asynchronously so the emulator can answer it.
const run = promisify(execFile);

void test('boto3: rotate imported material, reimport by KeyMaterialId, multi-Region import and rotation', async () => {
  const py = boto3Python();
  const script = path.join(__dirname, 'boto3', 'rotation_flows.py');
  const r = await run(py, [script, emulator.url, '/usr/bin/openssl'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    timeout: 120_000,
  }).catch((e: { stderr?: string; stdout?: string; message?: string }) => {
    throw new Error(`boto3 flow failed: ${e.message ?? ''}\n${e.stderr ?? ''}\n${e.stdout ?? ''}`);
  });
  const seen = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  assert.equal(seen.rotate_without_pending, 'KMSInvalidStateException');
  assert.equal(seen.reimport_other_material, 'IncorrectKeyMaterialException');
  assert.equal(seen.replica_new_material, 'UnsupportedOperationException');
  assert.equal(seen.primary_pending_state, 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION');
  assert.equal(seen.rotate_before_replicas, 'KMSInvalidStateException');
  assert.equal(seen.rotate_on_replica, 'UnsupportedOperationException');
  assert.deepEqual(seen.multi_region, { primary: 'us-east-1', replicas: ['eu-west-1'] });
  const rotation = seen.rotation as { entry_members: string[] };
  assert.deepEqual(rotation.entry_members, [
    'ExpirationModel',
    'ImportState',
    'KeyId',
    'KeyMaterialDescription',
    'KeyMaterialId',
    'KeyMaterialState',
    'RotationDate',
    'RotationType',
  ]);
});
