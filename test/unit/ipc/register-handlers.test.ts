import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerHandlers, type IpcMainLike } from '../../../src-main/ipc/register-handlers.js';
import type { SenderEventLike } from '../../../src-main/ipc/sender.js';
import { createSenderCheck } from '../../../src-main/ipc/sender.js';
import {
  operationChannel,
  operationNames,
  operations,
  type IpcResult,
} from '../../../src-shared/ipc/index.js';
import { fakeServices } from './harness/fake-services.js';

type Listener = (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `duplicate handler ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  return { ipc, handlers };
}

const trusted: SenderEventLike = {
  senderFrame: { url: 'app://keyrite/index.html', parent: null },
  sender: { id: 1 },
};
const untrusted: SenderEventLike = {
  senderFrame: { url: 'https://evil.example/', parent: null },
  sender: { id: 1 },
};
const check = createSenderCheck('app://keyrite', (id) => id === 1);

const SECRET = 'correct horse battery staple';
const bytesOf = (text: string) => new TextEncoder().encode(text);

/**
 * A valid request for each operation, so refusals below are caused by the one thing changed. Fresh
 * each time: main zeroes the byte arrays of every request it handled.
 */
const valid = (): Record<string, unknown> => ({
  'ceremony.enroll': { custodianId: 'alice', passphrase: bytesOf(SECRET) },
  'ceremony.confirm': { stepId: 'import', custodianId: 'alice', passphrase: bytesOf(SECRET) },
  'ceremony.runStep': { stepId: 'import' },
  'ceremony.verifyShare': { custodianId: 'alice', passphrase: bytesOf(SECRET) },
  'ceremony.witnessSignOff': { witnessId: 'wendy', passphrase: bytesOf(SECRET) },
  'ceremony.openShare': { custodianId: 'alice', passphrase: bytesOf(SECRET) },
  'ceremony.enterComponent': { custodianId: 'alice', component: new Uint8Array(16).fill(7) },
  'ceremony.witnessException': {
    stepId: 'import',
    witnessId: 'wendy',
    text: 'the lights flickered',
    passphrase: bytesOf(SECRET),
  },
  'passphrase.check': { passphrase: bytesOf(SECRET) },
  'audit.pinStations': { stations: [] },
  'audit.exportLog': { format: 'pdf' },
  'ceremony.copyShare': { custodianId: 'alice' },
  'station.chooseRole': { role: 'offline' },
  'bundle.write': { medium: { folder: true } },
  'bundle.read': { medium: { volumeId: 'vol-0123456789ab' }, peerStation: 'ab'.repeat(32) },
  'ceremony.startOffline': { medium: { folder: true } },
  'ceremony.startOfflineFromConsole': {},
  'bundle.readConsoleRequest': {},
});
const validRequest = (name: string) => valid()[name] ?? {};
const SECRET_OPERATIONS = [
  'ceremony.enroll',
  'ceremony.confirm',
  'ceremony.verifyShare',
  'ceremony.openShare',
  'ceremony.enterComponent',
  'passphrase.check',
  'ceremony.witnessSignOff',
  'ceremony.witnessException',
] as const;

async function call(
  handlers: Map<string, Listener>,
  name: (typeof operationNames)[number],
  event: SenderEventLike,
  ...args: unknown[]
) {
  const h = handlers.get(operationChannel(name));
  assert.ok(h, `no handler for ${name}`);
  return (await h(event, ...args)) as IpcResult<unknown>;
}

void test('every contract operation is registered and the disposer removes them all', () => {
  const { ipc, handlers } = fakeIpcMain();
  const dispose = registerHandlers(ipc, fakeServices(), check);
  assert.deepEqual([...handlers.keys()].sort(), operationNames.map(operationChannel).sort());
  dispose();
  assert.equal(handlers.size, 0);
});

void test('a trusted sender with a valid request gets the service answer', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(ipc, fakeServices(), check);
  for (const name of operationNames) {
    const r = await call(handlers, name, trusted, validRequest(name));
    if (name === 'ceremony.report') {
      assert.deepEqual(r, {
        ok: false,
        error: {
          code: 'CEREMONY_NOT_FINISHED',
          message: 'The ceremony has not finished.',
          hint: 'Finish the ceremony first.',
        },
      });
    } else {
      assert.equal(r.ok, true, `${name}: ${JSON.stringify(r)}`);
    }
  }
});

void test('an untrusted sender is refused for every operation and the service is never called', async () => {
  const { ipc, handlers } = fakeIpcMain();
  let called = 0;
  const services = fakeServices();
  const counting = Object.fromEntries(
    Object.entries(services).map(([k, fn]) => [
      k,
      async (r: never) => ((called += 1), (fn as (x: never) => Promise<unknown>)(r)),
    ]),
  ) as unknown as typeof services;
  registerHandlers(ipc, counting, check);
  for (const name of operationNames) {
    const r = await call(handlers, name, untrusted, validRequest(name));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'IPC_UNTRUSTED_SENDER', name);
  }
  assert.equal(called, 0);
});

void test('malformed and oversized requests are refused for every operation', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(ipc, fakeServices(), check);
  for (const name of operationNames) {
    const limit = operations[name].maxRequestBytes;
    const malformed: unknown[][] = [
      [],
      [null],
      ['text'],
      [42],
      [[1, 2]],
      [{ ...(validRequest(name) as object), extra: 1 }],
      [validRequest(name), 'second'],
      [{ toJSON: undefined, f: () => 1 }],
    ];
    for (const args of malformed) {
      const r = await call(handlers, name, trusted, ...args);
      assert.equal(r.ok, false, `${name} accepted ${JSON.stringify(args)}`);
      assert.match(!r.ok ? r.error.code : '', /^IPC_BAD_REQUEST$/, `${name} ${JSON.stringify(args)}`);
    }
    const big = await call(handlers, name, trusted, {
      ...(validRequest(name) as object),
      pad: 'x'.repeat(limit + 1),
    });
    assert.equal(!big.ok && big.error.code, 'IPC_PAYLOAD_TOO_LARGE', name);
  }
});

void test('a refusal never echoes the submitted value', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(ipc, fakeServices(), check);
  const secret = 'Tr0ub4dor&3-never-echo';
  const r = await call(handlers, 'ceremony.enroll', trusted, {
    custodianId: 'bad id with spaces',
    passphrase: bytesOf(secret),
  });
  assert.equal(r.ok, false);
  assert.ok(!JSON.stringify(r).includes(secret));
});

void test('secrets cross as bytes only: a passphrase or component sent as text is refused', async () => {
  const { ipc, handlers } = fakeIpcMain();
  let called = 0;
  registerHandlers(
    ipc,
    fakeServices({
      'ceremony.enroll': async () => ((called += 1), { custodianId: 'alice', publicKeyFingerprint: 'ab' }),
    }),
    check,
  );
  for (const name of SECRET_OPERATIONS) {
    const field = name === 'ceremony.enterComponent' ? 'component' : 'passphrase';
    const asText = {
      ...(validRequest(name) as object),
      [field]: name.endsWith('Component') ? '00'.repeat(16) : SECRET,
    };
    const r = await call(handlers, name, trusted, asText);
    assert.equal(!r.ok && r.error.code, 'IPC_BAD_REQUEST', name);
    assert.match(!r.ok ? r.error.message : '', new RegExp(`at "${field}"`), name);
  }
  assert.equal(called, 0);
});

void test('a renderer cannot act as a witness without the witness passphrase: sign-off and exception refuse a request without one', async () => {
  const { ipc, handlers } = fakeIpcMain();
  let called = 0;
  registerHandlers(
    ipc,
    fakeServices({
      'ceremony.witnessSignOff': async () => {
        called += 1;
        throw new Error('not reached');
      },
      'ceremony.witnessException': async () => {
        called += 1;
        throw new Error('not reached');
      },
    }),
    check,
  );
  for (const name of ['ceremony.witnessSignOff', 'ceremony.witnessException'] as const) {
    const { passphrase: _omitted, ...without } = validRequest(name) as { passphrase: Uint8Array };
    const r = await call(handlers, name, trusted, without);
    assert.equal(!r.ok && r.error.code, 'IPC_BAD_REQUEST', name);
    assert.match(!r.ok ? r.error.message : '', /passphrase/, name);
    const empty = await call(handlers, name, trusted, { ...without, passphrase: new Uint8Array(0) });
    assert.equal(!empty.ok && empty.error.code, 'IPC_BAD_REQUEST', `${name} with an empty passphrase`);
  }
  assert.equal(called, 0);
});

void test('main zeroes every byte array of a request once handled: served, refused by schema, by size or by sender', async () => {
  const { ipc, handlers } = fakeIpcMain();
  const seen: Uint8Array[] = [];
  registerHandlers(
    ipc,
    fakeServices({
      // The service sees the bytes intact, and keeps (wrongly) a reference, so the test can look after.
      'ceremony.confirm': async (r) => {
        assert.equal(new TextDecoder().decode(r.passphrase), SECRET);
        seen.push(r.passphrase);
        return { stepId: 'import', custodianId: 'alice', confirmations: 1, required: 2 };
      },
    }),
    check,
  );
  const served = validRequest('ceremony.confirm') as { passphrase: Uint8Array };
  assert.equal((await call(handlers, 'ceremony.confirm', trusted, served)).ok, true);
  assert.equal(seen.length, 1);
  const refusals: Array<[SenderEventLike, Record<string, unknown>]> = [
    [trusted, { ...(validRequest('ceremony.confirm') as object), stepId: 'not a step id!' }],
    [trusted, { ...(validRequest('ceremony.confirm') as object), passphrase: new Uint8Array(5000).fill(1) }],
    [untrusted, validRequest('ceremony.confirm') as Record<string, unknown>],
  ];
  for (const [event, req] of refusals) {
    const r = await call(handlers, 'ceremony.confirm', event, req);
    assert.equal(r.ok, false);
  }
  for (const bytes of [served.passphrase, ...refusals.map(([, r]) => r['passphrase'] as Uint8Array)])
    assert.ok(
      bytes.every((b) => b === 0),
      'the request bytes are all zero afterwards',
    );
});

void test('the size check counts bytes without turning the request into text', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(ipc, fakeServices(), check);
  const stringify = JSON.stringify;
  let stringified = 0;
  JSON.stringify = ((...a: Parameters<typeof JSON.stringify>) => {
    if (a[0] !== null && typeof a[0] === 'object' && 'passphrase' in (a[0] as object)) stringified += 1;
    return stringify(...a);
  }) as typeof JSON.stringify;
  try {
    const r = await call(handlers, 'ceremony.enroll', trusted, validRequest('ceremony.enroll'));
    assert.equal(r.ok, true);
  } finally {
    JSON.stringify = stringify;
  }
  assert.equal(stringified, 0, 'the request holding the passphrase was never JSON.stringify’d');
});

void test('unexpected errors cross as a fixed INTERNAL failure without stack or message', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(
    ipc,
    fakeServices({
      'app.info': async () => {
        throw new Error('ENOENT /home/alice/.aws/credentials');
      },
    }),
    check,
  );
  const r = await call(handlers, 'app.info', trusted, {});
  assert.equal(r.ok, false);
  const text = JSON.stringify(r);
  assert.ok(!text.includes('ENOENT') && !text.includes('credentials') && !/\sat \S+ \(/.test(text), text);
  assert.equal(!r.ok && r.error.code, 'INTERNAL');
});

void test('responses are validated: unknown fields are stripped, wrong shapes refused', async () => {
  const { ipc, handlers } = fakeIpcMain();
  registerHandlers(
    ipc,
    fakeServices({
      'kms.identity': async () =>
        ({
          provider: 'aws',
          endpoint: 'aws',
          region: 'eu-west-1',
          account: '1',
          arn: 'a',
          secretAccessKey: 'wJalrXUtnFEMI',
        }) as never,
      'audit.verify': async () => ({ intact: 'yes' }) as never,
    }),
    check,
  );
  const id = await call(handlers, 'kms.identity', trusted, {});
  assert.equal(id.ok, true);
  assert.ok(!JSON.stringify(id).includes('wJalrXUtnFEMI'));
  const v = await call(handlers, 'audit.verify', trusted, {});
  assert.equal(!v.ok && v.error.code, 'IPC_BAD_RESPONSE');
});
