import { sha256Hex } from '../../src-shared/digests.js';
import { shellWord } from '../../src-shared/wrap/shell-command.js';
import { toWords } from '../../src-shared/words/pgp-words.js';
import { writeNewDirectory } from '../media/new-directory.js';
import type { CeremonyParts } from './ceremony-parts.js';
import { recordedFile } from './recorded-file.js';
import type { WrittenBundleInfo } from './bundle-write.js';
import { crashPoint } from './crash-point.js';

/** The files the console (Upload wrapped key material) and `aws kms import-key-material` take. */
export const CONSOLE_FILES = {
  wrapped: 'EncryptedKeyMaterial.bin',
  token: 'ImportToken.bin',
  readme: 'README.txt',
} as const;

export interface ConsoleResponse {
  /** The directory's name on the medium. */
  name: string;
  files: Map<string, Buffer>;
  /** The upload command as lines ending in " \" (POSIX shell), run in the directory. */
  commandLines: string[];
  /** SHA-256 of README.txt, which names the digests of both other files: the response's digest. */
  digest: string;
}

export function consoleResponseDirName(ceremonyId: string, sequence: number): string {
  return `keyrite-${ceremonyId}-console-response-${sequence}`;
}

/** `aws kms import-key-material` word for word, with paths relative to the response directory. */
function uploadCommand(p: CeremonyParts, keyId: string): string[] {
  const exp = p.log.plan.expiration;
  const args: string[][] = [
    ['--region', shellWord(p.log.plan.target.region)],
    ['--key-id', shellWord(keyId)],
    ['--encrypted-key-material', `fileb://${CONSOLE_FILES.wrapped}`],
    ['--import-token', `fileb://${CONSOLE_FILES.token}`],
    exp.model === 'KEY_MATERIAL_EXPIRES'
      ? ['--expiration-model', 'KEY_MATERIAL_EXPIRES', '--valid-to', shellWord(exp.validTo)]
      : ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE'],
  ];
  const lines = ['aws kms import-key-material', ...args.map((a) => `  ${a.join(' ')}`)];
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l));
}

/**
 * What the offline station writes for a console request: the wrapped material and the import token
 * under the names the console's upload expects, and a README with the command, every digest and the
 * facts people compare. Only public files: the wrapped blob is useless without KMS's private key.
 */
export function consoleResponse(p: CeremonyParts, sequence: number): ConsoleResponse {
  const f = p.log.facts;
  const req = p.journal.records('bundle.console-request').at(-1)?.payload;
  if (!req) throw new Error('a console response without a console request');
  const wrapped = recordedFile(p.paths.wrapped, f.wrappedKeyDigest, 'wrapped key material');
  const token = recordedFile(p.paths.importToken, f.importTokenDigest, 'import token');
  const keyId = req.keyArn ?? req.keyId;
  const commandLines = uploadCommand(p, keyId);
  const check = f.kcv
    ? `check value (KCV): ${f.kcv} (${f.kcvWords ?? ''})`
    : `public key SHA-256: ${f.publicKeyFingerprint ?? ''}`;
  const readme = [
    `Keyrite ceremony ${p.log.ceremonyId}: key material wrapped at the offline station`,
    `for ${keyId} (${p.log.plan.target.region}), ${p.log.spec}.`,
    '',
    'The request came from the AWS console or CLI and carried no station signature:',
    `  request file SHA-256:      ${req.requestDigest} (${req.source})`,
    `  wrapping key SHA-256:      ${req.wrappingKeyFingerprint}`,
    `                             ${toWords(req.wrappingKeyFingerprint)}`,
    `  wrapping algorithm:        ${p.log.plan.wrapping.algorithm}${req.algorithmStated ? '' : ' (the plan’s: the request does not name it)'}`,
    `  import parameters valid to ${req.validTo}`,
    `  ${check}`,
    '',
    'Files:',
    `  ${sha256Hex(wrapped)}  ${CONSOLE_FILES.wrapped}`,
    `  ${sha256Hex(token)}  ${CONSOLE_FILES.token}`,
    '',
    'Upload them in the AWS console (Key material: Upload wrapped key material, with the import',
    `token file), or run this in this folder where credentials for the key's account are available:`,
    '',
    ...commandLines,
    '',
  ].join('\n');
  const files = new Map<string, Buffer>([
    [CONSOLE_FILES.wrapped, wrapped],
    [CONSOLE_FILES.token, token],
    [CONSOLE_FILES.readme, Buffer.from(readme, 'utf8')],
  ]);
  return {
    name: consoleResponseDirName(p.log.ceremonyId, sequence),
    files,
    commandLines,
    digest: sha256Hex(files.get(CONSOLE_FILES.readme)!),
  };
}

/** Writes the console response as a new directory on the medium (synced: safe to remove). */
export function writeConsoleResponse(mediaDir: string, r: ConsoleResponse): { dir: string; digest: string } {
  return { dir: writeNewDirectory(mediaDir, r.name, r.files), digest: r.digest };
}

/**
 * The console response as the offline station's due write: the sequence is spent by the intent, as
 * for a bundle; the outcome holds the README's digest; `bundle.console-response` names every file's.
 */
export async function writeDueConsoleResponse(
  p: CeremonyParts,
  mediaDir: string,
  sequence: number,
  importTokenDigest: string,
  wrappedKeyDigest: string,
): Promise<WrittenBundleInfo> {
  const r = consoleResponse(p, sequence);
  const written = await p.journal.effect(
    'media.write-bundle',
    `write the console response number ${sequence} to the medium`,
    { kind: 'response', sequence, importTokenDigest, wrappedKeyDigest },
    () => {
      const w = writeConsoleResponse(mediaDir, r);
      crashPoint('bundle-written:console-response');
      return w;
    },
    (w) => ({ bundleDigest: w.digest }),
  );
  p.journal.append('bundle.console-response', {
    dir: r.name,
    files: [...r.files].map(([name, bytes]) => ({ name, bytes: bytes.length, digest: sha256Hex(bytes) })),
    command: r.commandLines.map((l) => l.replace(/ \\$/, '').trim()).join(' '),
  });
  p.journal.checkpoint();
  p.signals.changed();
  return {
    kind: 'response',
    dir: written.dir,
    sequence,
    bundleDigest: written.digest,
    bundleDigestWords: toWords(written.digest),
    commandLines: r.commandLines,
  };
}
