import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildKeyriteApi, type IpcTransport } from '../../../src-shared/ipc/api.js';
import { eventChannel, operationChannel } from '../../../src-shared/ipc/names.js';

function fakeTransport(reply: (channel: string, request: unknown) => unknown) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: [string, unknown][] = [];
  const transport: IpcTransport = {
    invoke: async (channel, request) => {
      calls.push([channel, request]);
      return reply(channel, request);
    },
    subscribe: (channel, listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(listener);
      return () => listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload));
  return { transport, calls, emit, listeners };
}

void test('each method sends exactly its request on its own channel and returns the envelope', async () => {
  const t = fakeTransport(() => ({ ok: true, value: { opened: true } }));
  const api = buildKeyriteApi(t.transport);
  const r = await api.app.openWitnessDisplay({});
  assert.deepEqual(r, { ok: true, value: { opened: true } });
  assert.deepEqual(t.calls, [[operationChannel('app.openWitnessDisplay'), {}]]);
});

void test('a transport failure or a malformed reply becomes a coded failure, with no internals', async () => {
  const broken = buildKeyriteApi(
    fakeTransport(() => {
      throw new Error('ECONNREFUSED 127.0.0.1:1234 secret-path');
    }).transport,
  );
  const r = await broken.app.info({});
  assert.equal(!r.ok && r.error.code, 'IPC_TRANSPORT');
  assert.ok(!JSON.stringify(r).includes('ECONNREFUSED'));
  const odd = buildKeyriteApi(fakeTransport(() => ({ hello: 'world' })).transport);
  const r2 = await odd.app.info({});
  assert.equal(!r2.ok && r2.error.code, 'IPC_BAD_RESPONSE');
});

void test('event subscriptions deliver payloads only and their disposer stops delivery', () => {
  const t = fakeTransport(() => null);
  const api = buildKeyriteApi(t.transport);
  const seen: unknown[] = [];
  const dispose = api.events.on('ceremony.progress', (p) => seen.push(p));
  t.emit(eventChannel('ceremony.progress'), { stepId: 'wrap' });
  dispose();
  t.emit(eventChannel('ceremony.progress'), { stepId: 'import' });
  assert.deepEqual(seen, [{ stepId: 'wrap' }]);
  assert.equal(t.listeners.get(eventChannel('ceremony.progress'))?.size, 0);
});

void test('unknown events are refused and the API object cannot be changed', () => {
  const api = buildKeyriteApi(fakeTransport(() => null).transport);
  assert.throws(() => api.events.on('ipc.raw' as never, () => {}), TypeError);
  assert.ok(Object.isFrozen(api) && Object.isFrozen(api.app) && Object.isFrozen(api.events));
  const before = api.app;
  try {
    (api as unknown as Record<string, unknown>).app = {};
  } catch {
    // strict mode throws; either way the property must not change
  }
  assert.equal(api.app, before);
});
