/**
 * Enum value sets in the order AWS prints them in "Member must satisfy enum value set: […]"
 * messages. AWS's order is neither the service model's nor alphabetical; where a response recorded
 * from AWS shows it (localstack tests/aws/services/kms/test_kms.snapshot.json,
 * test_hmac_create_key_invalid_operations and test_invalid_generate_mac, recorded 2023), the message
 * uses exactly that list. Values AWS added to the model after the recording (SM2, ML_DSA_*,
 * ECC_NIST_EDWARDS25519, KEY_AGREEMENT) are still accepted by validation, but are not in the
 * recorded list; every other enum is listed in service-model order (our assumption).
 */
export const KEY_SPEC_LISTED = [
  'RSA_2048',
  'ECC_NIST_P384',
  'ECC_NIST_P256',
  'ECC_NIST_P521',
  'HMAC_384',
  'RSA_3072',
  'ECC_SECG_P256K1',
  'RSA_4096',
  'SYMMETRIC_DEFAULT',
  'HMAC_256',
  'HMAC_224',
  'HMAC_512',
] as const;

export const KEY_USAGE_LISTED = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC'] as const;

export const MAC_ALGORITHM_LISTED = ['HMAC_SHA_384', 'HMAC_SHA_256', 'HMAC_SHA_224', 'HMAC_SHA_512'] as const;
