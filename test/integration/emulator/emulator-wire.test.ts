// The wire as AWS clients see it: AWS JSON 1.1 headers and error bodies, unknown operations, malformed
// bodies, the STS Query endpoint, and a server bound to loopback only.
import assert from 'node:assert/strict';
import http from 'node:http';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../../src-main/emulator/index.js';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

async function kmsCall(target: string, body: string): Promise<Response> {
  return fetch(emulator.url + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
      // Any SigV4 signature is accepted.
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00',
    },
    body,
  });
}

void test('errors carry AWS status, __type, message, x-amzn-ErrorType and x-amzn-RequestId', async () => {
  const r = await kmsCall('TrentService.DescribeKey', JSON.stringify({ KeyId: 'nope' }));
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
  assert.equal(r.headers.get('x-amzn-errortype'), 'NotFoundException');
  assert.match(r.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  assert.deepEqual(await r.json(), { __type: 'NotFoundException', message: "Invalid keyId 'nope'" });
});

void test('success bodies use epoch-second numbers for timestamps', async () => {
  const r = await kmsCall('TrentService.CreateKey', '{}');
  assert.equal(r.status, 200);
  const body = (await r.json()) as { KeyMetadata: { CreationDate: unknown } };
  assert.equal(typeof body.KeyMetadata.CreationDate, 'number');
});

void test('unknown operations, missing targets and malformed JSON are refused like AWS', async () => {
  const unknown = await kmsCall('TrentService.NoSuchThing', '{}');
  assert.equal(unknown.status, 400);
  assert.equal(((await unknown.json()) as { __type: string }).__type, 'UnknownOperationException');
  const bad = await kmsCall('TrentService.DescribeKey', '{not json');
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { __type: string }).__type, 'SerializationException');
  const missing = await kmsCall('TrentService.DescribeKey', '{}');
  assert.equal(
    ((await missing.json()) as { message: string }).message,
    "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
  );
});

void test('STS GetCallerIdentity answers in the Query protocol; other STS actions are refused', async () => {
  const form = (action: string): Promise<Response> =>
    fetch(emulator.url + '/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: `Action=${action}&Version=2011-06-15`,
    });
  const ok = await form('GetCallerIdentity');
  assert.equal(ok.status, 200);
  const xml = await ok.text();
  assert.match(xml, /<Account>111122223333<\/Account>/);
  assert.match(xml, /<Arn>arn:aws:iam::111122223333:user\/keyrite-emulator<\/Arn>/);
  assert.match(xml, /<UserId>[A-Z0-9]+<\/UserId>/);
  const other = await form('AssumeRole');
  assert.equal(other.status, 400);
  assert.match(await other.text(), /<Code>InvalidAction<\/Code>/);
});

void test('binds to 127.0.0.1 only, and accounts and regions are configurable', async () => {
  assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const other = await startEmulator({ region: 'eu-west-1', accountId: '444455556666' });
  try {
    const r = await fetch(other.url + '/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.CreateKey' },
      body: '{}',
    });
    const body = (await r.json()) as { KeyMetadata: { Arn: string } };
    assert.match(body.KeyMetadata.Arn, /^arn:aws:kms:eu-west-1:444455556666:key\//);
  } finally {
    await other.close();
  }
});

void test('an SDK client reuses its connection from one request to the next, as it does with AWS', async () => {
  // Node's HTTP client keeps a socket only while the server's Keep-Alive hint leaves more than a second.
  let opened = 0;
  const agent = new http.Agent({ keepAlive: true });
  const createConnection = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<typeof createConnection>) => {
    opened += 1;
    return createConnection(...args);
  };
  const kms = new KMSClient({
    region: 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: { httpAgent: agent },
  });
  try {
    for (let i = 0; i < 4; i++) await kms.send(new ListKeysCommand({ Limit: 1 }));
    assert.equal(opened, 1, `${opened} connections for 4 requests`);
  } finally {
    kms.destroy();
    agent.destroy();
  }
});
