import { KeyriteError } from '../../../src-shared/errors.js';
import {
  WRAPPING_ALGORITHMS,
  type ImportParameters,
  type WrappingAlgorithm,
  type WrappingPublicKey,
  assertNotExpired,
  parseImportParameters,
  parseWrappingPublicKey,
} from '../../../src-shared/wrap/index.js';
import { readPublicFile } from '../../media/public-file.js';

/** The wrapping key, and the import parameters around it when the file holds them (zip, JSON). */
export interface WrapSource {
  wrappingKey: WrappingPublicKey;
  params?: ImportParameters;
}

export function loadWrapSource(file: string, now: Date): WrapSource {
  const bytes = readPublicFile(file, 'wrapping key');
  const isZip = bytes.subarray(0, 2).toString('latin1') === 'PK';
  const isJson = /^\s*\{/.test(bytes.subarray(0, 32).toString('latin1'));
  if (!isZip && !isJson) return { wrappingKey: parseWrappingPublicKey(bytes) };
  const params = parseImportParameters([{ name: file, bytes }], now);
  assertNotExpired(params, now);
  return { wrappingKey: params.wrappingKey, params };
}

export interface AlgorithmChoice {
  algorithm: WrappingAlgorithm;
  /** True when the parameters name the algorithm, so a mismatch was impossible. */
  checked: boolean;
}

const ALL = WRAPPING_ALGORITHMS.join(', ');

/**
 * The algorithm to wrap with. Parameters that name theirs decide, and a different --algorithm is
 * refused. Parameters that do not (the AWS CLI's JSON, loose key files) cannot catch the SHA-1/SHA-256
 * mix-up that makes KMS answer InvalidCiphertextException, so the person must say they know that.
 */
export function chooseAlgorithm(
  stated: WrappingAlgorithm | undefined,
  given: WrappingAlgorithm | undefined,
  acknowledged: boolean,
): AlgorithmChoice {
  if (stated) {
    if (given && given !== stated)
      throw new KeyriteError(
        'ALGORITHM_MISMATCH',
        `these import parameters were fetched for ${stated}, not ${given}`,
        `KMS would refuse the import (InvalidCiphertextException); drop --algorithm, or fetch parameters for ${given} (keyrite params fetch --algorithm ${given})`,
      );
    return { algorithm: stated, checked: true };
  }
  if (!given)
    throw new KeyriteError(
      'ALGORITHM_REQUIRED',
      'these import parameters do not say which wrapping algorithm they were fetched for',
      `fetch them with keyrite params fetch (the file then names it), or pass --algorithm with the one given to get-parameters-for-import (${ALL}) and --unchecked-algorithm`,
    );
  if (!acknowledged)
    throw new KeyriteError(
      'ALGORITHM_UNCHECKED',
      `these import parameters do not say which wrapping algorithm they were fetched for, so Keyrite cannot check ${given} against them (a mismatch makes KMS refuse the import with InvalidCiphertextException)`,
      `fetch them with keyrite params fetch, or, if you are sure ${given} is what get-parameters-for-import was given, add --unchecked-algorithm`,
    );
  return { algorithm: given, checked: false };
}
