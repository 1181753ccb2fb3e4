import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { MAX_MATERIAL_BYTES } from '../../src-shared/wrap/material.js';

/** A file-system failure as a KeyriteError that names the file and what it was for. */
export function fsError(e: unknown, file: string, what: string): KeyriteError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT')
    return new KeyriteError('FILE_NOT_FOUND', `${what} file not found: ${file}`, 'check the path');
  if (code === 'EACCES' || code === 'EPERM') {
    return new KeyriteError(
      'FILE_ACCESS',
      `no permission to read ${what} file ${file}`,
      'check the file permissions',
    );
  }
  if (code === 'EISDIR')
    return new KeyriteError('FILE_NOT_REGULAR', `${file} is a directory`, `give the ${what} file`);
  return new KeyriteError(
    'FILE_READ',
    `cannot read ${what} file ${file} (${code ?? 'error'})`,
    'check the path',
  );
}

/**
 * Reads secret material straight into Buffer.alloc'd memory owned by a SecretBuffer: no string, no
 * pooled buffer, nothing left behind if reading fails half way.
 */
export function readSecretFile(file: string): SecretBuffer {
  let fd: number;
  try {
    // Checked before open too: opening a FIFO would block until someone writes to it.
    if (!statSync(file).isFile()) {
      throw new KeyriteError(
        'FILE_NOT_REGULAR',
        `material ${file} is not a regular file`,
        'give the material file',
      );
    }
    fd = openSync(file, 'r');
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw fsError(e, file, 'material');
  }
  let secret: SecretBuffer | null = null;
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new KeyriteError(
        'FILE_NOT_REGULAR',
        `material ${file} is not a regular file`,
        'give the material file',
      );
    if (st.size === 0)
      throw new KeyriteError('MATERIAL_SIZE', `material file ${file} is empty`, 'check the file');
    if (st.size > MAX_MATERIAL_BYTES) {
      throw new KeyriteError(
        'MATERIAL_SIZE',
        `material file ${file} is ${st.size} bytes, larger than any key KMS imports`,
        'give raw key bytes or a PKCS#8 DER private key',
      );
    }
    const s = SecretBuffer.alloc(st.size);
    secret = s;
    s.use((b) => {
      let off = 0;
      while (off < b.length) {
        const n = readSync(fd, b, off, b.length - off, off);
        if (n === 0) break;
        off += n;
      }
      if (off !== b.length) {
        throw new KeyriteError('FILE_READ', `material file ${file} changed while being read`, 'try again');
      }
    });
    return s;
  } catch (e) {
    secret?.dispose();
    if (e instanceof KeyriteError) throw e;
    throw fsError(e, file, 'material');
  } finally {
    closeSync(fd);
  }
}
