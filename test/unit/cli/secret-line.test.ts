import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretLineEditor, decodeHexComponent } from '../../../src-main/cli/secret-line.js';

void test('keystrokes build the line in a Buffer; backspace edits; Enter finishes; input chunks are wiped', () => {
  const ed = new SecretLineEditor();
  const chunk = Buffer.from('abcx\x7fd');
  assert.deepEqual(ed.feed(chunk), { state: 'more' });
  assert.ok(
    chunk.every((b) => b === 0),
    'the chunk the terminal handed over is wiped',
  );
  const r = ed.feed(Buffer.from('e\r'));
  assert.equal(r.state, 'done');
  assert.ok(r.state === 'done' && Buffer.isBuffer(r.line) && r.line.equals(Buffer.from('abcde')));
});

void test('Ctrl-C cancels; control bytes are ignored; overlong input is refused', () => {
  assert.deepEqual(new SecretLineEditor().feed(Buffer.from('abc\x03')), { state: 'cancel' });
  const ed = new SecretLineEditor();
  const r = ed.feed(Buffer.from('a\x1bb\n'));
  assert.ok(r.state === 'done' && r.line.equals(Buffer.from('ab')));
  assert.throws(() => new SecretLineEditor().feed(Buffer.alloc(2000, 0x61)), { code: 'PASSPHRASE_TOO_LONG' });
});

void test('a typed hex component decodes to bytes and the typed buffer is wiped', () => {
  const typed = Buffer.from('0a1B 2c3d');
  const s = decodeHexComponent(typed, 4);
  assert.deepEqual(
    s.use((b) => [...b]),
    [0x0a, 0x1b, 0x2c, 0x3d],
  );
  assert.ok(typed.every((b) => b === 0));
  assert.throws(() => decodeHexComponent(Buffer.from('0a1'), 2), { code: 'COMPONENT_FORMAT' });
  assert.throws(() => decodeHexComponent(Buffer.from('zz00'), 2), { code: 'COMPONENT_FORMAT' });
  assert.throws(() => decodeHexComponent(Buffer.from('000000'), 2), { code: 'COMPONENT_FORMAT' });
});
