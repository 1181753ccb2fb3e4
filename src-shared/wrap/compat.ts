import { KeyriteError } from '../errors.js';
import {
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  type WrappingKeySpec,
  WRAPPING_KEY_BITS,
  algorithmParts,
  materialKind,
  rsaMessageLimit,
} from './specs.js';

/**
 * AWS's table of which wrapping algorithm can carry which material under which wrapping key spec
 * (KMS API reference, GetParametersForImport WrappingAlgorithm; developer guide, "Select a wrapping
 * algorithm"):
 * - RSA private keys only travel with RSA_AES_KEY_WRAP_*: no RSA modulus can carry them directly.
 * - RSA_AES_KEY_WRAP_* is "supported for wrapping RSA and ECC key material" only: KMS refuses it for
 *   SYMMETRIC_DEFAULT and HMAC_* material (the embedded emulator answers ValidationException), so
 *   those go with RSAES_OAEP_*, which carries them directly.
 * - ECC_NIST_P521 cannot go with RSAES_OAEP_* under an RSA_2048 wrapping key (too long).
 * - RSAES_PKCS1_V1_5 predates asymmetric import and is only for symmetric and HMAC material (and AWS
 *   stopped accepting it for new imports in October 2023; wrapKeyMaterial warns about that).
 * Anything the table leaves open is still checked against the RSA message limit below.
 */
export function assertCompatible(
  algorithm: WrappingAlgorithm,
  materialSpec: KeyMaterialSpec,
  wrappingKeySpec: WrappingKeySpec,
): void {
  const kind = materialKind(materialSpec);
  const parts = algorithmParts(algorithm);
  const direct = !parts.aesKeyWrap;
  if (parts.aesKeyWrap && (kind === 'symmetric' || kind === 'hmac')) {
    throw incompatible(
      `${materialSpec} material cannot be wrapped with ${algorithm}: AWS accepts RSA_AES_KEY_WRAP only for RSA and ECC private keys`,
      'use RSAES_OAEP_SHA_256 (fetch new import parameters with that wrapping algorithm)',
    );
  }
  if (kind === 'rsa' && direct) {
    throw incompatible(
      `${materialSpec} material (an RSA private key) cannot be wrapped with ${algorithm}`,
      'use RSA_AES_KEY_WRAP_SHA_256 (fetch new import parameters with that wrapping algorithm)',
    );
  }
  if (parts.rsa === 'pkcs1' && (kind === 'rsa' || kind === 'ecc')) {
    throw incompatible(
      `${materialSpec} material cannot be wrapped with RSAES_PKCS1_V1_5`,
      'use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256',
    );
  }
  if (materialSpec === 'ECC_NIST_P521' && direct && wrappingKeySpec === 'RSA_2048') {
    throw incompatible(
      `ECC_NIST_P521 material is too long for ${algorithm} under an RSA_2048 wrapping key (at most ${rsaMessageLimit(2048, parts)} bytes)`,
      'use an RSA_3072 or RSA_4096 wrapping key, or RSA_AES_KEY_WRAP_SHA_256',
    );
  }
}

/** The length check that applies once the actual material is known. */
export function assertFits(
  algorithm: WrappingAlgorithm,
  wrappingKeySpec: WrappingKeySpec,
  materialBytes: number,
): void {
  const parts = algorithmParts(algorithm);
  if (parts.aesKeyWrap) return; // RFC 5649 carries any length; the RSA part is a 32-byte AES key.
  const limit = rsaMessageLimit(WRAPPING_KEY_BITS[wrappingKeySpec], parts);
  if (materialBytes > limit) {
    throw incompatible(
      `the material is ${materialBytes} bytes but ${algorithm} under ${wrappingKeySpec} carries at most ${limit} bytes`,
      'use a larger wrapping key spec or RSA_AES_KEY_WRAP_SHA_256',
    );
  }
}

function incompatible(message: string, hint: string): KeyriteError {
  return new KeyriteError('WRAP_INCOMPATIBLE', message, hint);
}
