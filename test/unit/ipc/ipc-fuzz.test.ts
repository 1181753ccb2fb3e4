// Bounded, seeded fuzzing of the IPC boundary through the real contract: registerHandlers with the
// contract's schemas and size limits, in front of services that answer validly. Whatever a renderer
// sends — any structured-clone value, zero to three arguments, a valid request with one field
// replaced, nesting far deeper than any contract's, a long array — the handler resolves to an
// IpcResult: served, or refused with a code, a message and a hint. Never a rejection, never INTERNAL,
// never the submitted value echoed back, and a service only ever sees a request its schema accepts.
// `npm run test:faults` (KEYRITE_FAULTS=long) runs 20 times more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { registerHandlers, type IpcMainLike } from '../../../src-main/ipc/register-handlers.js';
import type { SenderEventLike } from '../../../src-main/ipc/sender.js';
import { createSenderCheck } from '../../../src-main/ipc/sender.js';
import type { KeyriteServices } from '../../../src-main/ipc/services.js';
import {
  operationChannel,
  operationNames,
  operations,
  type IpcResult,
} from '../../../src-shared/ipc/index.js';
import { fakeServices } from './harness/fake-services.js';

const RUNS = process.env['KEYRITE_FAULTS'] === 'long' ? 20 : 1;
const SEED = 17_11;
const MARK = 'Fuzz-Marker-7Q';

type Listener = (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>;
const trusted: SenderEventLike = {
  senderFrame: { url: 'app://keyrite/index.html', parent: null },
  sender: { id: 1 },
};

function harness(): { handlers: Map<string, Listener>; served: { name: string; ok: boolean }[] } {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const served: { name: string; ok: boolean }[] = [];
  const base = fakeServices();
  const checked = Object.fromEntries(
    operationNames.map((name) => [
      name,
      async (request: unknown) => {
        // What reaches a service must be what the contract accepts.
        served.push({ name, ok: operations[name].request.safeParse(request).success });
        return (base[name] as (r: unknown) => Promise<unknown>)(request);
      },
    ]),
  ) as unknown as KeyriteServices;
  registerHandlers(
    ipc,
    checked,
    createSenderCheck('app://keyrite', (id) => id === 1),
  );
  return { handlers, served };
}

async function send(
  handlers: Map<string, Listener>,
  name: (typeof operationNames)[number],
  args: unknown[],
): Promise<void> {
  const h = handlers.get(operationChannel(name))!;
  let r: IpcResult<unknown>;
  try {
    r = (await h(trusted, ...args)) as IpcResult<unknown>;
  } catch (e) {
    assert.fail(`${name} rejected instead of answering: ${String(e)}`);
  }
  assert.equal(typeof r.ok, 'boolean', `${name}: not an IpcResult`);
  if (r.ok) return;
  assert.match(r.error.code, /^[A-Z][A-Z0-9_]+$/, name);
  assert.notEqual(r.error.code, 'INTERNAL', `${name}: ${r.error.message}`);
  assert.notEqual(r.error.code, 'IPC_BAD_RESPONSE', `${name}: ${r.error.message}`);
  assert.ok(r.error.message.length > 0 && r.error.hint.length > 0, name);
  assert.ok(!JSON.stringify(r).includes(MARK), `${name}: the refusal echoes the request`);
}

/** Replaces the value at a path of `doc` (made from `pick`) with `value`. */
function mutate(doc: unknown, pick: number[], value: unknown): unknown {
  if (pick.length === 0 || doc === null || typeof doc !== 'object' || doc instanceof Uint8Array) return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const k = keys[pick[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ({ ...doc } as Record<string, unknown>)
    : { ...doc };
  copy[k] = mutate((doc as Record<string, unknown>)[k], pick.slice(1), value);
  return copy;
}

const VALID: Record<string, () => unknown> = {
  'ceremony.enroll': () => ({ custodianId: 'alice', passphrase: new Uint8Array(12).fill(65) }),
  'ceremony.confirm': () => ({ stepId: 'import', custodianId: 'alice', passphrase: new Uint8Array(12) }),
  'ceremony.runStep': () => ({ stepId: 'import' }),
  'ceremony.enterComponent': () => ({ custodianId: 'alice', component: new Uint8Array(16).fill(7) }),
  'ceremony.witnessException': () => ({
    stepId: 'import',
    witnessId: 'wendy',
    text: 'the lights flickered',
    passphrase: new Uint8Array(12),
  }),
  'audit.pinStations': () => ({ stations: [] }),
  'audit.exportLog': () => ({ format: 'pdf' }),
};

const value = fc.oneof(
  fc.anything({
    withTypedArray: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withBigInt: true,
    withNullPrototype: true,
    withSparseArray: true,
    maxDepth: 4,
  }),
  fc.string().map((s) => `${MARK}${s}`),
  fc.uint8Array({ maxLength: 64 }),
  fc.nat(200).map((depth) => {
    let v: unknown = MARK;
    for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
    return v;
  }),
  fc.nat(5000).map((n) => new Array<string>(n).fill(MARK)),
);
const operation = fc.constantFrom(...operationNames);

void test('any renderer payload, through the real contract: served or refused with a code, never a crash', async () => {
  const { handlers, served } = harness();
  await fc.assert(
    fc.asyncProperty(operation, fc.array(value, { maxLength: 3 }), async (name, args) => {
      await send(handlers, name, args);
    }),
    { seed: SEED, numRuns: 400 * RUNS },
  );
  await fc.assert(
    fc.asyncProperty(operation, fc.array(fc.nat(20), { maxLength: 3 }), value, async (name, pick, v) => {
      const valid = VALID[name]?.() ?? {};
      await send(handlers, name, [mutate(valid, pick, v)]);
    }),
    { seed: SEED + 1, numRuns: 400 * RUNS },
  );
  assert.ok(served.length > 0, 'some fuzzed requests were valid and served');
  assert.deepEqual(
    served.filter((s) => !s.ok).map((s) => s.name),
    [],
    'a service saw a request its schema refuses',
  );
});
