import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OsKeystore } from '../../../../src-main/audit/keystore-seal.js';
import { SecretBuffer } from '../../../../src-shared/secret-buffer.js';

// One "OS user" per test process: whatever one fake keystore seals, another in the same process opens,
// as the real keystore does for the same user account.
const userKey = randomBytes(32);

/** A stand-in for the OS keystore: AES-256-GCM under a per-process key, or unavailable with a reason. */
export function fakeKeystore(
  opts: { unavailable?: string; key?: Buffer } = {},
): OsKeystore & { calls: number } {
  const key = opts.key ?? userKey;
  const ks = {
    calls: 0,
    unavailable: () => opts.unavailable,
    encrypt(secret: SecretBuffer): Buffer {
      ks.calls += 1;
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = secret.use((b) => Buffer.concat([c.update(b), c.final()]));
      return Buffer.concat([iv, c.getAuthTag(), ct]);
    },
    decrypt(blob: Buffer): SecretBuffer {
      ks.calls += 1;
      const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return SecretBuffer.adopt(Buffer.concat([d.update(blob.subarray(28)), d.final()]));
    },
  };
  return ks;
}
