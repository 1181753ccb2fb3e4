/**
 * A Huawei KMS error as the service sends it: HTTP status and {"error": {"error_code", "error_msg"}}.
 * Codes and messages come from Huawei's KMS API reference ("Error Codes"); where a documented
 * message has no code in the tables we could read, the dialect sends the message with KMS.0308
 * ("Invalid parameter") and says so at the call site (docs/EMULATOR-HUAWEI.md lists each one).
 */
export class HuaweiServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'HuaweiServiceError';
  }

  body(): string {
    return JSON.stringify({ error: { error_code: this.code, error_msg: this.message } });
  }
}

export const invalidParameter = (what = 'Invalid parameter.') => new HuaweiServiceError('KMS.0308', what);
export const keyNotFound = () => new HuaweiServiceError('KMS.0205', 'Invalid key ID.');
