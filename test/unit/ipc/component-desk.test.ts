import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ComponentDesk } from '../../../src-main/ipc/services/component-desk.js';
import { isKeyriteError } from '../../../src-shared/errors.js';

const code = (c: string) => (e: unknown) => isKeyriteError(e) && e.code === c;

void test('a component reaches the waiting step as secret bytes, and the reply is that custodian’s check value', async () => {
  let changes = 0;
  const desk = new ComponentDesk(() => (changes += 1));
  await assert.rejects(desk.provide('c1', new Uint8Array(32).fill(0xaa)), code('NO_COMPONENT_REQUESTED'));
  const asked = desk.source('c1', 32);
  assert.deepEqual(desk.awaiting, { custodianId: 'c1', bytes: 32 });
  await assert.rejects(desk.provide('c2', new Uint8Array(32).fill(0xaa)), code('NOT_YOUR_TURN'));
  await assert.rejects(desk.provide('c1', new Uint8Array(31).fill(0xaa)), code('COMPONENT_LENGTH'));
  const sent = new Uint8Array(32).fill(0xab);
  const reply = desk.provide('c1', sent);
  const secret = await asked;
  assert.ok(
    sent.every((b) => b === 0),
    'the bytes that crossed IPC are zeroed once copied',
  );
  assert.deepEqual(
    secret.use((b) => [...b]),
    new Array(32).fill(0xab),
  );
  assert.equal(String(secret), '[SecretBuffer]');
  assert.equal(desk.awaiting, undefined);
  desk.notice('c1', 'component check value 1A2B3C');
  assert.deepEqual(await reply, { custodianId: 'c1', checkValue: '1A2B3C' });
  assert.ok(changes >= 2, 'the view is republished when a component is asked for and when it arrived');
});

void test('a notice for another custodian is not delivered to this one', async () => {
  const desk = new ComponentDesk(() => {});
  const asked = desk.source('c1', 16);
  const reply = desk.provide('c1', new Uint8Array(16));
  await asked;
  desk.notice('c2', 'component check value FFFFFF');
  desk.notice('c1', 'component check value 000001');
  assert.equal((await reply).checkValue, '000001');
});
