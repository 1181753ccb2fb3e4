import { KeyriteError } from '../errors.js';
import {
  type KeyMaterialSpec,
  type WrappingAlgorithm,
  type WrappingKeySpec,
  isKeyMaterialSpec,
} from './specs.js';

/**
 * The self-describing import parameters file `keyrite params fetch` writes. It keeps the field names of
 * `aws kms get-parameters-for-import --output json` (so every reader of that JSON reads it) and adds
 * what that JSON leaves out: the wrapping algorithm and key spec they were fetched for, the KMS key's
 * own key spec, and where they came from. Because the algorithm travels with the parameters,
 * `keyrite wrap` can refuse any other.
 */
export const PARAMS_FILE_FORMAT = 'keyrite-import-parameters/v1';

export interface FetchedParameters {
  keyArn: string;
  keySpec: KeyMaterialSpec;
  algorithm: WrappingAlgorithm;
  wrappingKeySpec: WrappingKeySpec;
  /** DER SubjectPublicKeyInfo, as KMS returns it. */
  publicKey: Uint8Array;
  importToken: Uint8Array;
  validTo: Date;
  region: string;
  /** Only when the parameters came from an endpoint override (e.g. the emulator). */
  endpoint?: string;
  fetchedAt: Date;
}

export function serializeFetchedParameters(p: FetchedParameters): string {
  const doc = {
    Format: PARAMS_FILE_FORMAT,
    KeyId: p.keyArn,
    KeySpec: p.keySpec,
    WrappingAlgorithm: p.algorithm,
    WrappingKeySpec: p.wrappingKeySpec,
    PublicKey: Buffer.from(p.publicKey).toString('base64'),
    ImportToken: Buffer.from(p.importToken).toString('base64'),
    // Epoch seconds, as the AWS CLI prints it.
    ParametersValidTo: p.validTo.getTime() / 1000,
    Region: p.region,
    ...(p.endpoint ? { Endpoint: p.endpoint } : {}),
    FetchedAt: p.fetchedAt.toISOString(),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** What a parameters JSON says beyond the AWS CLI's fields, when it is Keyrite's own file. */
export interface ParamsFileExtras {
  format?: string;
  keySpec?: KeyMaterialSpec;
  region?: string;
  endpoint?: string;
}

/**
 * Reads the extra fields. A file that says it is Keyrite's format must carry the facts that make it
 * self-describing; a file that does not say so is the AWS CLI's JSON and is taken as it is.
 */
export function readParamsFileExtras(
  field: (k: string) => string | undefined,
  hasAlgorithm: boolean,
  name: string,
): ParamsFileExtras {
  const out: ParamsFileExtras = {};
  const format = field('Format');
  if (format !== undefined) {
    if (format !== PARAMS_FILE_FORMAT)
      throw invalid(
        `${name} is in format ${JSON.stringify(format.slice(0, 60))}, which this Keyrite does not read`,
        `this Keyrite reads ${PARAMS_FILE_FORMAT}; fetch the parameters again with keyrite params fetch`,
      );
    out.format = format;
    if (!hasAlgorithm || field('KeySpec') === undefined || field('Region') === undefined)
      throw invalid(
        `${name} says it is a Keyrite parameters file but lacks WrappingAlgorithm, KeySpec or Region`,
        'fetch the parameters again with keyrite params fetch; do not edit the file',
      );
  }
  const keySpec = field('KeySpec');
  if (keySpec !== undefined) {
    if (!isKeyMaterialSpec(keySpec))
      throw invalid(`${name}: unknown KeySpec ${JSON.stringify(keySpec.slice(0, 40))}`);
    out.keySpec = keySpec;
  }
  const region = field('Region');
  if (region !== undefined) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
      throw invalid(`${name}: Region ${JSON.stringify(region.slice(0, 40))} is not an AWS region`);
    out.region = region;
  }
  const endpoint = field('Endpoint');
  if (endpoint !== undefined) {
    if (!/^https?:\/\/[^\s'"`\\$]+$/.test(endpoint))
      throw invalid(`${name}: Endpoint ${JSON.stringify(endpoint.slice(0, 80))} is not an http(s) URL`);
    out.endpoint = endpoint;
  }
  return out;
}

function invalid(
  message: string,
  hint = 'fetch the parameters again (keyrite params fetch, or get-parameters-for-import)',
): KeyriteError {
  return new KeyriteError('PARAMS_INVALID', message, hint);
}
