// Run by share-medium.test.ts as an unprivileged user: copies a few bytes to the directory given and
// prints what happened as one JSON line ({ ok } or { code, message, hint }).
import { isKeyriteError } from '../../../../src-shared/errors.js';
import { copyToMedium } from '../../../../src-main/media/share-medium.js';

const dir = process.argv[2] ?? '';
try {
  copyToMedium(
    Buffer.from('{"sealed":"share"}\n'),
    dir,
    'cer-x-custodian-1.share.json',
    'Dana Ruiz',
    () => undefined,
  );
  process.stdout.write(JSON.stringify({ ok: true }) + '\n');
} catch (e) {
  process.stdout.write(
    JSON.stringify(
      isKeyriteError(e)
        ? { code: e.code, message: e.message, hint: e.hint }
        : { code: 'UNEXPECTED', message: String(e) },
    ) + '\n',
  );
}
