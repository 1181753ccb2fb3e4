/**
 * A failure the emulated service reports to its client, in AWS's own terms: the exception name the
 * SDKs map to a typed error, and the message AWS would send. Real AWS answers 400 for every client
 * error (even where the model says 409), 500 for internal faults.
 */
export class KmsServiceError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status = 400) {
    super(message);
    this.name = 'KmsServiceError';
    this.type = type;
    this.status = status;
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

export function unsupported(message: string): KmsServiceError {
  return new KmsServiceError('UnsupportedOperationException', message);
}
