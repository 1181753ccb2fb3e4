import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSenderCheck } from '../../../src-main/ipc/sender.js';

const check = createSenderCheck('app://keyrite', (id) => id === 1 || id === 2);
const top = (url: string, id = 1) => ({ senderFrame: { url, parent: null }, sender: { id } });

void test('the top frame of a known window on the app origin is trusted', () => {
  assert.equal(check(top('app://keyrite/index.html')), true);
  assert.equal(check(top('app://keyrite/index.html#/witness', 2)), true);
});

void test('untrusted senders are refused', () => {
  assert.equal(check(top('https://evil.example/index.html')), false, 'foreign origin');
  assert.equal(check(top('app://keyrite.evil/index.html')), false, 'look-alike host');
  assert.equal(check(top('file:///index.html')), false, 'file://');
  assert.equal(check(top('app://keyrite/index.html', 99)), false, 'unknown window');
  assert.equal(
    check({ senderFrame: { url: 'app://keyrite/index.html', parent: {} }, sender: { id: 1 } }),
    false,
    'subframe',
  );
  assert.equal(check({ senderFrame: null, sender: { id: 1 } }), false, 'destroyed frame');
  assert.equal(check(top('not a url')), false, 'garbage url');
});

void test('an http origin can be the trusted one (the e2e harness)', () => {
  const h = createSenderCheck('http://127.0.0.1:4567', () => true);
  assert.equal(h(top('http://127.0.0.1:4567/index.html')), true);
  assert.equal(h(top('http://localhost:4567/index.html')), false);
  assert.equal(h(top('http://127.0.0.1:4568/index.html')), false);
});
