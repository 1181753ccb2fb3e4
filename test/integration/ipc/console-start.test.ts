// The offline station's request from the AWS console or CLI through the app's IPC services, composed
// as main.ts composes them: the file comes from main's dialog (the renderer never holds its bytes).
// No file chosen starts nothing; a junk file and an expired request are refused with a code and a
// sentence, each recorded (with the file's SHA-256) in the ceremony the station then holds; the right
// request is accepted and shown as unsigned with its digest and the wrapping key's fingerprint.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync as readBytes, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { composeServices } from '../../../src-main/ipc/compose-services.js';
import type { FilePurpose, ShellPorts } from '../../../src-main/ipc/shell-ports.js';
import { fakeKeystore } from '../../unit/audit/harness/fake-keystore.js';
import { tempDir } from '../ceremony/harness/ceremony.js';
import { splitPlan } from '../airgap/harness/split.js';

const tmp = tempDir('console-start');
void after(() => tmp.cleanup());

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

void test('console request at the app: cancelled, junk and expired refused in words and recorded, then accepted', async () => {
  const keyId = randomUUID();
  const arn = `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;
  const plan = splitPlan() as Record<string, unknown> & { target: Record<string, unknown> };
  plan.target['key'] = { existing: { keyId, keySpec: 'SYMMETRIC_DEFAULT' } };
  const planFile = path.join(tmp.dir, 'plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const spki = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  const json = (validTo: Date) =>
    Buffer.from(
      JSON.stringify({
        KeyId: arn,
        ImportToken: randomBytes(300).toString('base64'),
        PublicKey: spki.toString('base64'),
        ParametersValidTo: validTo.toISOString(),
      }),
    );
  const file = (name: string, bytes: Buffer) => {
    const f = path.join(tmp.dir, name);
    writeFileSync(f, bytes);
    return f;
  };
  const junk = file('junk.json', Buffer.from('{"KeyId": '));
  const expired = file('expired.json', json(new Date(Date.now() - 60_000)));
  const good = file('params.json', json(new Date(Date.now() + 3600_000)));

  const data = path.join(tmp.dir, 'data');
  mkdirSync(data);
  const queue: Partial<Record<FilePurpose, string[]>> = {};
  const ports: ShellPorts = {
    version: '0.0.0-test',
    dataDirectory: data,
    mode: 'offline',
    region: 'us-east-1',
    publish: () => undefined,
    chooseFiles: async (purpose) => {
      const f = queue[purpose] ?? null;
      delete queue[purpose];
      return f;
    },
    chooseDirectory: async () => null,
    chooseSavePath: async () => null,
    openWitnessDisplay: async () => undefined,
    printToPdf: async () => Buffer.alloc(0),
    keystore: fakeKeystore(),
  };
  const { services, close } = await composeServices(ports, { scryptCost: { N: 2 ** 10, r: 8, p: 1 } });
  try {
    // Not the offline station yet: refused in words.
    await assert.rejects(services['ceremony.startOfflineFromConsole']({}), { code: 'STATION_NOT_OFFLINE' });
    await services['station.chooseRole']({ role: 'offline' });
    // No file chosen in the dialog: nothing starts.
    assert.deepEqual(await services['ceremony.startOfflineFromConsole']({}), { status: 'cancelled' });
    assert.equal(readdirSync(data).includes('ceremonies'), false, 'no ceremony directory');
    // A junk file: refused with a code and a sentence; the ceremony it started holds the record.
    queue['console-request'] = [junk];
    queue['ceremony-plan'] = [planFile];
    await assert.rejects(services['ceremony.startOfflineFromConsole']({}), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'PARAMS_INVALID');
      assert.match(e.message, /\w+ \w+/);
      return true;
    });
    const waiting = await services['bundle.state']({});
    assert.equal(waiting.role, 'offline');
    assert.equal(waiting.due, 'read-request', 'the station holds the ceremony, waiting for a request');
    assert.equal(waiting.consoleRequest, undefined);
    // An expired request, read into that ceremony.
    queue['console-request'] = [expired];
    await assert.rejects(services['bundle.readConsoleRequest']({}), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'PARAMS_EXPIRED');
      assert.match(e.message, /expire/i);
      return true;
    });
    // Cancelled: nothing read.
    assert.deepEqual(await services['bundle.readConsoleRequest']({}), { status: 'cancelled' });
    // The right request: unsigned, its digest and the wrapping key's fingerprint for the witnesses.
    queue['console-request'] = [good];
    const read = await services['bundle.readConsoleRequest']({});
    assert.equal(read.status, 'chosen');
    const r = read.status === 'chosen' ? read.value : undefined;
    assert.equal(r?.digest, sha256(readBytes(good)));
    assert.equal(r?.wrappingKey.hex, sha256(spki));
    assert.equal(r?.keyArn, arn);
    assert.equal(r?.algorithmStated, false, 'the CLI JSON does not name the algorithm');
    const after = await services['bundle.state']({});
    assert.deepEqual(after.consoleRequest, r, 'the panel shows the accepted request');
    assert.notEqual(after.due, 'read-request');
    // A second read is refused: the request is in.
    queue['console-request'] = [good];
    await assert.rejects(services['bundle.readConsoleRequest']({}), { code: 'BUNDLE_NOT_DUE' });
    const dirs = readdirSync(path.join(data, 'ceremonies'));
    assert.equal(dirs.length, 1, 'one ceremony: the refusals and the request in one log');
    const records = loadLog(path.join(data, 'ceremonies', dirs[0]!, 'audit.db')).records;
    assert.deepEqual(
      records
        .filter((x) => x.type === 'bundle.refused')
        .map((x) => [x.payload['code'], x.payload['bundleDigest']]),
      [
        ['PARAMS_INVALID', sha256(readBytes(junk))],
        ['PARAMS_EXPIRED', sha256(readBytes(expired))],
      ],
    );
    assert.equal(records.filter((x) => x.type === 'bundle.console-request').length, 1);
  } finally {
    await close();
  }
});
