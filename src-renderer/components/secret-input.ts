/*
 * Secrets typed at the station (passphrases, components) stay in their input field until they are
 * sent: no React state holds them, keystroke by keystroke. They are read once, as bytes, the field is
 * emptied, and the bytes are zeroed once main has answered. Main refuses a secret sent as a string.
 */
const encoder = new TextEncoder();

/** The field's text as UTF-8 bytes, without emptying it (the strength meter's look). */
export function peekBytes(input: HTMLInputElement | null): Uint8Array {
  return encoder.encode(input?.value ?? '');
}

/** The field's text as UTF-8 bytes; the field is emptied. */
export function takeBytes(input: HTMLInputElement | null): Uint8Array {
  const bytes = peekBytes(input);
  if (input) input.value = '';
  return bytes;
}

/** Hex digits to bytes; null when the text is not whole bytes of hex. */
export function hexBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Sends secret bytes and zeroes them once main has answered (or the call failed). */
export async function sendingSecret<T>(bytes: Uint8Array, send: (b: Uint8Array) => Promise<T>): Promise<T> {
  try {
    return await send(bytes);
  } finally {
    bytes.fill(0);
  }
}
