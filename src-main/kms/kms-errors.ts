import { KeyriteError } from '../../src-shared/errors.js';
import { explainRotationError } from './kms-errors-rotation.js';

/**
 * Every failure of a KMS or STS call becomes a KeyriteError with a stable code, a sentence a witness
 * can read aloud and a fix. Codes are `KMS_` + the AWS exception name in UPPER_SNAKE
 * (InvalidCiphertextException → KMS_INVALID_CIPHERTEXT), so they stay stable across SDK versions.
 */
export function kmsErrorCode(exceptionName: string): string {
  const base = exceptionName.replace(/Exception$/, '').replace(/^KMS(?=[A-Z])/, '');
  return (
    'KMS_' +
    base
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toUpperCase()
  );
}

interface Explanation {
  message: string;
  hint: string;
}

function explain(name: string, operation: string, serviceMessage: string): Explanation {
  const rotation = explainRotationError(name, operation, serviceMessage);
  if (rotation) return rotation;
  const said = serviceMessage ? ` (KMS said: ${serviceMessage})` : '';
  switch (name) {
    case 'InvalidCiphertextException':
      if (operation === 'ImportKeyMaterial') {
        return {
          message: `KMS could not decrypt the wrapped key material: it was wrapped with a different algorithm, hash or wrapping key than the import parameters were fetched for${said}`,
          hint: 'wrap again with exactly the wrapping algorithm named in the import parameters (the classic mistake: openssl defaults to SHA-1 OAEP while RSAES_OAEP_SHA_256 was requested; use rsa_oaep_md:sha256), using the public key from the same parameters',
        };
      }
      return {
        message: `KMS could not decrypt the ciphertext: it belongs to another key, was altered, or the encryption context differs${said}`,
        hint: 'use the key that produced the ciphertext and the same encryption context',
      };
    case 'IncorrectKeyMaterialException':
      return {
        message: `KMS refused the key material: it is not the material this KMS key held before, or it does not fit the key spec${said}`,
        hint: 'reimport exactly the material first imported into this key (restore it from the backup shares), or create a new KMS key for new material',
      };
    case 'ExpiredImportTokenException':
      return {
        message: `the import token has expired (import parameters are valid for 24 hours)${said}`,
        hint: 'fetch new import parameters and wrap the material again with the new public key',
      };
    case 'InvalidImportTokenException':
      return {
        message: `KMS rejected the import token: it is damaged or belongs to another KMS key${said}`,
        hint: 'use the import token from the same GetParametersForImport response as the wrapping public key, for this key',
      };
    case 'KMSInvalidStateException':
      return {
        message: `the KMS key is not in a state that allows ${operation}${said}`,
        hint: 'check the key state with DescribeKey (pending import, pending deletion, disabled) and fix it first',
      };
    case 'NotFoundException':
      return {
        message: `KMS found no such key or alias${said}`,
        hint: 'check the key id or ARN, the account and the region',
      };
    case 'DisabledException':
      return {
        message: `the KMS key is disabled${said}`,
        hint: 'enable the key (EnableKey) if it should be in use',
      };
    case 'UnsupportedOperationException':
      if (['EnableKeyRotation', 'DisableKeyRotation', 'GetKeyRotationStatus'].includes(operation)) {
        return {
          message: `KMS does not rotate this key automatically${said}`,
          hint: 'automatic rotation is only for symmetric keys whose material KMS generated; a key with imported material is rotated by importing new material and rotating on demand',
        };
      }
      return {
        message: `KMS does not support ${operation} for this key${said}`,
        hint: 'imports need a key created with Origin EXTERNAL; check the key spec and wrapping choices',
      };
    case 'InvalidKeyUsageException':
      return {
        message: `the key's usage or spec does not allow this${said}`,
        hint: 'use a key whose KeyUsage and algorithms match the operation',
      };
    case 'ValidationException':
      return {
        message: `KMS rejected the request as invalid${said}`,
        hint: 'check the parameters named in the message',
      };
    case 'AccessDeniedException':
      return {
        message: `the AWS principal is not allowed to call ${operation}${said}`,
        hint: 'check the IAM policy and the key policy for this principal, and that the pre-flight identity is the intended one',
      };
    case 'InvalidSignatureException':
      if (/region/i.test(serviceMessage)) {
        return {
          message: `the request was signed for a region AWS does not know${said}`,
          hint: "use a region name such as eu-west-1 (the plan's target.region, AWS_REGION or --region)",
        };
      }
      return {
        message: `AWS did not accept the credentials${said}`,
        hint: 'check the access key, secret and profile being used',
      };
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'IncompleteSignatureException':
    case 'SignatureDoesNotMatch':
      return {
        message: `AWS did not accept the credentials${said}`,
        hint: 'check the access key, secret and profile being used',
      };
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return {
        message: `the AWS session credentials have expired${said}`,
        hint: 'sign in again (e.g. aws sso login) and retry',
      };
    case 'AlreadyExistsException':
      return {
        message: `that alias already exists${said}`,
        hint: 'choose another alias name or delete the old alias first',
      };
    case 'IncorrectKeyException':
      return {
        message: `the ciphertext was not made by the KMS key named in the request${said}`,
        hint: 'name the key that encrypted it (or leave KeyId out for symmetric ciphertext: it names its own key)',
      };
    case 'CustomKeyStoreNotFoundException':
      return {
        message: `KMS found no such custom key store${said}`,
        hint: 'check the custom key store id (DescribeCustomKeyStores), or leave it out to use KMS itself',
      };
    case 'InvalidGrantTokenException':
      return {
        message: `KMS did not accept the grant token: it is damaged, or its grant was already retired or revoked${said}`,
        hint: 'use the GrantToken from the CreateGrant response for a grant that still exists (ListGrants shows them), or retire by key ARN and grant id',
      };
    case 'InvalidGrantIdException':
      return {
        message: `that is not a grant id KMS issued${said}`,
        hint: 'copy the GrantId from the CreateGrant response or from ListGrants for this key',
      };
    case 'DryRunOperationException':
      return {
        message: `${operation} would have succeeded; nothing was done because DryRun was set${said}`,
        hint: 'run it again without DryRun to do it',
      };
    case 'TagException':
      return {
        message: `KMS refused the tags${said}`,
        hint: 'give each tag key once, at most 50 tags per key, and no key beginning with "aws:" (reserved for AWS); keys up to 128 characters, values up to 256',
      };
    case 'MalformedPolicyDocumentException':
      return {
        message: `KMS rejected the key policy${said}`,
        hint: 'check the policy JSON, principals and that it keeps your own access',
      };
    case 'KMSInvalidMacException':
      return {
        message: 'the MAC does not match: the HMAC key material is not the one expected',
        hint: 'check the material that was imported',
      };
    case 'KMSInvalidSignatureException':
      return {
        message: 'the signature does not verify with this key',
        hint: 'check the message, the algorithm and the key',
      };
    case 'LimitExceededException':
    case 'ThrottlingException':
      return {
        message: `AWS limited the request rate or a quota was reached${said}`,
        hint: 'wait a little and retry; check KMS quotas in the account',
      };
    case 'KMSInternalException':
    case 'DependencyTimeoutException':
      return {
        message: `KMS had an internal problem${said}`,
        hint: 'retry shortly; if it persists, check the AWS Health Dashboard',
      };
    default:
      return { message: `KMS returned ${name}${said}`, hint: 'see the AWS KMS API reference for this error' };
  }
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * What the service said, if anything. AWS sends some errors with no message at all (a failed
 * decryption or signature check); the SDK then fills in "UnknownError" or the error's name, which
 * must not be read aloud as if KMS had said it.
 */
function serviceMessage(name: string, message: string | undefined): string {
  if (message === undefined || message === 'UnknownError' || message === name) return '';
  return message;
}

/** Maps anything thrown by an SDK call into a KeyriteError; KeyriteErrors pass through. */
export function toKeyriteError(e: unknown, operation: string, endpoint: string | undefined): KeyriteError {
  if (e instanceof KeyriteError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  const name = err.name ?? 'Error';
  const where = endpoint ?? 'AWS KMS';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(err.message ?? '')) {
    return new KeyriteError(
      'KMS_NO_CREDENTIALS',
      'no AWS credentials were found for this profile or environment',
      'sign in (aws sso login or aws configure) or choose a profile; rehearsals against the emulator need none',
      { cause: e },
    );
  }
  if (name === 'TimeoutError' || err.code === 'ETIMEDOUT' || name === 'RequestTimeout') {
    return new KeyriteError(
      'KMS_TIMEOUT',
      `${operation} to ${where} timed out`,
      'check the network and retry; an import is retried safely (see the import guard)',
      {
        cause: e,
      },
    );
  }
  if (
    err.code === 'ECONNREFUSED' ||
    err.code === 'ENOTFOUND' ||
    err.code === 'ECONNRESET' ||
    err.code === 'EAI_AGAIN'
  ) {
    return new KeyriteError(
      'KMS_UNREACHABLE',
      `cannot reach ${where} (${err.code})`,
      'check the endpoint, the network, or that the emulator is running',
      {
        cause: e,
      },
    );
  }
  if (err.$metadata === undefined && !/Exception$/.test(name)) {
    return new KeyriteError(
      'KMS_CALL_FAILED',
      `${operation} failed: ${err.message ?? name}`,
      'check the network and the endpoint, then retry',
      {
        cause: e,
      },
    );
  }
  const { message, hint } = explain(name, operation, serviceMessage(name, err.message));
  return new KeyriteError(kmsErrorCode(name), message, hint, { cause: e });
}
