import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOCUMENTED_CODES, huaweiError } from '../../../src-main/kms/huawei/huawei-errors.js';

const body = (code: string, msg: string) => ({ error: { error_code: code, error_msg: msg } });

void test('every documented Huawei KMS error code gets its own explanation and fix', () => {
  const seen = new Set<string>();
  for (const code of DOCUMENTED_CODES) {
    const e = huaweiError(400, body(code, 'documented text'), 'import-key-material');
    assert.match(e.code, /^HUAWEI_[A-Z_]+$/);
    assert.notEqual(e.code, 'HUAWEI_REQUEST_FAILED', code);
    assert.match(e.message, /^import-key-material: .+ \(Huawei KMS said: documented text\)$/);
    assert.ok(e.hint.length > 20, code);
    seen.add(`${e.code}|${e.message}`);
  }
  assert.equal(seen.size, DOCUMENTED_CODES.length, 'no two codes share one explanation');
});

void test('the documented import messages are recognised whatever code carries them', () => {
  const cases: [string, string][] = [
    ['Token expired.', 'HUAWEI_IMPORT_TOKEN_EXPIRED'],
    ['Token verification failed.', 'HUAWEI_IMPORT_TOKEN_INVALID'],
    ['Key IDs in the imported key and token do not match.', 'HUAWEI_IMPORT_TOKEN_WRONG_KEY'],
    ['The external key plaintext length must be 32 bits.', 'HUAWEI_MATERIAL_SIZE'],
    [
      'You are importing a deleted key again. The imported plaintext must be the same as the deleted key plaintext.',
      'HUAWEI_DIFFERENT_MATERIAL',
    ],
    ['Key expiration time must be later than the current time.', 'HUAWEI_MATERIAL_EXPIRY'],
    ['Key material is not in Enabled or Disabled state and cannot be deleted.', 'HUAWEI_NOT_DELETABLE'],
  ];
  for (const [msg, code] of cases)
    assert.equal(huaweiError(400, body('KMS.9999', msg), 'op').code, code, msg);
});

void test('authentication, permission, throttling, service and unknown failures are told apart', () => {
  assert.equal(
    huaweiError(401, body('APIGW.0301', 'Incorrect IAM authentication information'), 'op').code,
    'HUAWEI_AUTH_FAILED',
  );
  assert.equal(huaweiError(403, {}, 'op').code, 'HUAWEI_FORBIDDEN');
  assert.equal(huaweiError(429, {}, 'op').code, 'HUAWEI_THROTTLED');
  assert.equal(huaweiError(503, 'not json', 'op').code, 'HUAWEI_SERVICE_ERROR');
  const unknown = huaweiError(400, body('KMS.7777', 'Something new.'), 'op');
  assert.equal(unknown.code, 'HUAWEI_REQUEST_FAILED');
  assert.match(unknown.message, /KMS\.7777/);
  assert.match(unknown.message, /Something new\./);
});
