import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { SecretBuffer, withSecret } from '../../../src-shared/secret-buffer.js';

void test('adopt copies the bytes and zeroes the source', () => {
  const src = Buffer.from([1, 2, 3, 4]);
  const s = SecretBuffer.adopt(src);
  assert.deepEqual([...src], [0, 0, 0, 0]);
  assert.deepEqual(
    s.use((b) => [...b]),
    [1, 2, 3, 4],
  );
});

void test('dispose zeroes the memory the secret lived in', () => {
  const s = SecretBuffer.alloc(8);
  let seen: Buffer | undefined;
  s.use((b) => {
    b.fill(0xaa);
    seen = b;
  });
  s.dispose();
  assert.ok(seen);
  assert.ok(seen.every((x) => x === 0));
  assert.throws(() => s.use(() => 0), /after dispose/);
});

void test('withSecret disposes on the error path too', async () => {
  const s = SecretBuffer.alloc(4);
  await assert.rejects(
    withSecret(s, () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(s.disposed, true);
});

void test('a secret never renders its bytes', () => {
  const s = SecretBuffer.adopt(Buffer.from('41414141', 'hex'));
  assert.equal(String(s), '[SecretBuffer]');
  assert.equal(JSON.stringify({ s }), '{"s":"[SecretBuffer]"}');
  assert.doesNotMatch(inspect(s), /41|65|AAAA/);
});
