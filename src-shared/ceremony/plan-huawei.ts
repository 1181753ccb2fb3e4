import { z } from 'zod';

/*
 * `target.provider: huawei`: a Huawei Cloud KMS key in one project of one region. Huawei imports
 * 256-bit symmetric material only into AES_256 keys created with origin external (Huawei's import guide);
 * the import parameters are an RSA-2048 wrapping key with RSAES_OAEP_SHA_256 (current API), or
 * RSAES_OAEP_SHA_1 / RSAES_PKCS1_V1_5 (the console guide, for HSMs without OAEP-SHA-256). SM2_ENCRYPT
 * exists at Chinese-cryptography sites only and is not offered: neither Node nor Electron's BoringSSL
 * can encrypt with SM2.
 */

/** A Huawei Cloud region id (ap-southeast-1, cn-north-4, la-north-2). */
export const HUAWEI_REGION = /^[a-z]{2}(-[a-z0-9]+){1,4}$/;
/** A project id: 32 lower-case hex digits (My Credentials › API Credentials, one per region). */
export const HUAWEI_PROJECT = /^[0-9a-f]{32}$/;
/** A Huawei KMS key id (describe-key's key_id). */
export const HUAWEI_KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** create-key's key_alias (API reference). */
export const HUAWEI_ALIAS = /^[a-zA-Z0-9:/_-]{1,255}$/;

export const HUAWEI_KEY_SPECS = ['AES_256'] as const;

const ASYMMETRIC =
  "Huawei takes asymmetric material in import-key-material's encrypted_privatekey field, whose format (how the private key is wrapped, and under which key) neither Huawei's API reference nor its SDK models describe, and Keyrite does not guess a format for key material";
const SM =
  "it is a Chinese national (SM) algorithm that neither Node nor Electron's BoringSSL implements, so Keyrite can neither make nor check such material";
/** Key specs Huawei Cloud KMS can import (its user guide) that Keyrite does not, each with why. */
const HUAWEI_UNIMPLEMENTED: Readonly<Record<string, string>> = {
  RSA_2048: ASYMMETRIC,
  RSA_3072: ASYMMETRIC,
  RSA_4096: ASYMMETRIC,
  EC_P256: ASYMMETRIC,
  EC_P384: ASYMMETRIC,
  SM2: SM,
  SM4: SM,
};

/**
 * Why a Huawei plan's key spec is refused, when Huawei has such keys: said instead of "not a key spec",
 * so nobody takes a Huawei feature Keyrite lacks for a typo. Undefined for a spec Huawei does not have.
 */
export function huaweiKeySpecRefusal(spec: string): string | undefined {
  if (/^HMAC/.test(spec))
    return `Huawei Cloud KMS has HMAC keys but cannot import material into them (its import guide: the HMAC key algorithm does not support importing key materials)`;
  const why = HUAWEI_UNIMPLEMENTED[spec];
  return why ? `Huawei Cloud KMS can import ${spec} keys, but Keyrite does not: ${why}` : undefined;
}
export const HUAWEI_PLAN_ALGORITHMS = ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSAES_PKCS1_V1_5'] as const;
export const HUAWEI_WRAPPING_KEY_SPEC = 'RSA_2048';

/** Huawei's TMS tag rules: keys up to 36 characters, values up to 43, no `:` or `=` etc. */
const tagKey = z
  .string()
  .regex(/^[\p{L}\p{N}_.-]{1,36}$/u, 'Huawei tag keys are 1–36 letters, digits, _ . -');
const tagValue = z
  .string()
  .regex(/^[\p{L}\p{N}_.-]{0,43}$/u, 'Huawei tag values are 0–43 letters, digits, _ . -');

export const huaweiTarget = z.strictObject({
  provider: z.literal('huawei'),
  region: z.string().regex(HUAWEI_REGION, 'a Huawei Cloud region id such as ap-southeast-1'),
  projectId: z.string().regex(HUAWEI_PROJECT, 'a Huawei Cloud project id: 32 lower-case hex digits'),
  key: z.union([
    z.strictObject({
      create: z.strictObject({
        alias: z.string().regex(HUAWEI_ALIAS, 'a key alias of 1–255 letters, digits, : / _ -'),
        description: z.string().max(255).default(''),
        tags: z.record(tagKey, tagValue).default({}),
        keySpec: z.enum(HUAWEI_KEY_SPECS),
      }),
    }),
    z.strictObject({
      existing: z.strictObject({
        keyId: z.string().regex(HUAWEI_KEY_ID, 'a Huawei KMS key id (a UUID)'),
        keySpec: z.enum(HUAWEI_KEY_SPECS),
      }),
    }),
  ]),
});
