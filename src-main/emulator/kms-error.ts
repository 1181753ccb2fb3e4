/**
 * A failure the emulated service reports to its client, in AWS's own terms: the exception name the
 * SDKs map to a typed error, and the message AWS would send. Real AWS answers 400 for every client
 * error (even where the model says 409), 500 for internal faults. Some errors carry no message at
 * all on AWS (a failed decryption or signature check says nothing about why); for those
 * `wireMessage` is undefined and the body has no `message` member.
 */
export class KmsServiceError extends Error {
  readonly type: string;
  readonly status: number;
  readonly wireMessage: string | undefined;

  constructor(type: string, message: string | undefined, status = 400) {
    super(message ?? type);
    this.name = 'KmsServiceError';
    this.type = type;
    this.status = status;
    this.wireMessage = message;
  }
}

export function validation(message: string): KmsServiceError {
  return new KmsServiceError('ValidationException', message);
}

export function invalidState(message: string): KmsServiceError {
  return new KmsServiceError('KMSInvalidStateException', message);
}

export function notFound(message: string): KmsServiceError {
  return new KmsServiceError('NotFoundException', message);
}

export function unsupported(message: string | undefined): KmsServiceError {
  return new KmsServiceError('UnsupportedOperationException', message);
}

/** AWS-recorded: InvalidCiphertextException, KMSInvalidSignatureException and KMSInvalidMacException have no message. */
export function silent(
  type: 'InvalidCiphertextException' | 'KMSInvalidSignatureException' | 'KMSInvalidMacException',
): KmsServiceError {
  return new KmsServiceError(type, undefined);
}

/** AWS-recorded: an operation asked with DryRun that would have succeeded. */
export function dryRun(): KmsServiceError {
  return new KmsServiceError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
  );
}
