/** The wrap module's public surface: everything else in this folder is an implementation detail. */
export {
  WRAPPING_ALGORITHMS,
  WRAPPING_KEY_SPECS,
  KEY_MATERIAL_SPECS,
  type WrappingAlgorithm,
  type WrappingKeySpec,
  type KeyMaterialSpec,
  isWrappingAlgorithm,
  isWrappingKeySpec,
  isKeyMaterialSpec,
  materialKind,
  rawMaterialRange,
  rawSpecsFitting,
  rsaMessageLimit,
  algorithmParts,
} from './specs.js';
export { parseWrappingPublicKey, type WrappingPublicKey } from './wrapping-key.js';
export { assertCompatible, assertFits } from './compat.js';
export { validateMaterial, detectMaterialSpec, MAX_MATERIAL_BYTES } from './material.js';
export {
  wrapKeyMaterial,
  unwrapKeyMaterial,
  PKCS1_WARNING,
  type WrapOptions,
  type UnwrapOptions,
} from './wrap.js';
export {
  checkValue,
  type CheckValue,
  type CheckValueKind,
  KCV_BYTES,
  HMAC_CHECK_MESSAGE_BYTES,
} from './check-value.js';
export { aesKeyWrapPad, aesKeyUnwrapPad } from './aes-key-wrap.js';
export { aesCmac } from './aes-cmac.js';
export {
  parseImportParameters,
  assertNotExpired,
  type ImportParameters,
  type ParamsFile,
} from './import-params.js';
export {
  GCP_IMPORT_METHODS,
  type GcpImportMethod,
  type GcpImportJob,
  type GcpImportJobName,
  gcpMethodParts,
  toGcpImportMethod,
  parseGcpImportJob,
  parseGcpImportJobName,
  assertGcpImportJobUsable,
} from './gcp-import-job.js';
export {
  GCP_ALGORITHMS,
  type GcpAlgorithm,
  isGcpAlgorithm,
  gcpMaterialSpec,
  wrapForGcp,
  gcloudImportCommand,
} from './gcp-wrap.js';
export { type AzureKek, type AzureKid, parseAzureKek, parseAzureKid } from './azure-kek.js';
export { type ByokFile, type AzureKty, BYOK_GENERATOR, wrapForAzure, azImportCommand } from './azure-byok.js';
export { shellWord } from './shell-command.js';
export { PARAMS_FILE_FORMAT, serializeFetchedParameters, type FetchedParameters } from './params-file.js';
