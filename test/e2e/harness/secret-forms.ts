/** The spellings a leaked secret would most likely take in JSON text. */
export function secretForms(secret: Buffer): string[] {
  return [
    secret.toString('hex'),
    secret.toString('hex').toUpperCase(),
    secret.toString('base64'),
    secret.toString('base64url'),
    // A run of 12 bytes from the middle in hex, for partial leaks of longer material.
    secret.subarray(Math.max(0, (secret.length >> 1) - 6), (secret.length >> 1) + 6).toString('hex'),
  ].filter((s) => s.length >= 16);
}
