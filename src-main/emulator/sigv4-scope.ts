import { KmsServiceError } from './kms-error.js';

/** Region names as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-7. */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The region a request was signed for: the third field of the SigV4 credential scope
 * (`Credential=AKID/20260101/eu-west-1/kms/aws4_request`). That is how KMS itself knows which
 * regional endpoint was meant, and how one emulator serves every region. The signature is not
 * checked (the emulator accepts any credentials on loopback); an unsigned request — curl by hand —
 * goes to the emulator's default region.
 */
export function signedRegion(authorization: string | undefined, defaultRegion: string): string {
  if (authorization === undefined || authorization.trim() === '') return defaultRegion;
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    throw new KmsServiceError(
      'IncompleteSignatureException',
      'Authorization header must use the AWS4-HMAC-SHA256 signing algorithm.',
    );
  }
  const scope = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(authorization);
  if (!scope) {
    throw new KmsServiceError(
      'IncompleteSignatureException',
      "Authorization header requires a 'Credential' parameter of the form AKID/date/region/service/aws4_request.",
    );
  }
  const region = scope[3] as string;
  if (!REGION_NAME.test(region)) {
    throw new KmsServiceError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${region}'.`,
    );
  }
  return region;
}

/**
 * The access key id a request was signed with (the first field of the credential scope), or
 * undefined for an unsigned request. Only the emulator's account mapping (callers.ts) reads it.
 */
export function signedAccessKeyId(authorization: string | undefined): string | undefined {
  const m = /Credential=([^/,\s]+)\//.exec(authorization ?? '');
  return m ? m[1] : undefined;
}
