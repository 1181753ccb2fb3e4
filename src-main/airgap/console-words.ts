import type { ConsoleRequestInfo } from '../ceremony/console-request.js';
import type { WrittenBundleInfo } from '../ceremony/bundle-write.js';

type Say = (line: string) => void;

/** What the room hears when a request from the AWS console or CLI is accepted: it is not signed. */
export function sayConsoleRequest(say: Say, r: ConsoleRequestInfo): void {
  say(`read a request from the AWS console or CLI (${r.source}): valid for this plan`);
  say('  it carries NO station signature: nothing proves who made it. Compare the key id and the');
  say('  wrapping key fingerprint below with the online side before anyone goes on.');
  say(`  request file SHA-256: ${r.requestDigest}`);
  say(`  key:                  ${r.keyArn ?? r.keyId}`);
  say(`  wrapping key:         ${r.wrappingKeySpec}, SHA-256 ${r.wrappingKeyFingerprint}`);
  say(`                 words: ${r.wrappingKeyWords}`);
  say('  (online side: openssl dgst -sha256 wrappingKey_… from the zip, or');
  say("   jq -r .PublicKey params.json | base64 -d | openssl dgst -sha256 for the CLI's JSON)");
  say(`  valid to:             ${r.validTo}`);
  say(
    r.algorithmStated
      ? `  wrapping algorithm:   ${r.algorithm} (named by the request)`
      : `  wrapping algorithm:   ${r.algorithm} (the plan's: the request does not name it — the online side must have chosen ${r.algorithm}, or KMS refuses the import)`,
  );
}

/** The console response: where it is, its digest, and the command that uploads it. */
export function sayConsoleResponse(say: Say, w: WrittenBundleInfo): void {
  say(`wrote the response for the AWS console or CLI ${w.dir}`);
  say(`  response digest (README.txt SHA-256): ${w.bundleDigest}`);
  say(`                                 words: ${w.bundleDigestWords}`);
  say('  the medium is synced: safe to remove.');
  say('  upload EncryptedKeyMaterial.bin and ImportToken.bin in the AWS console, or run in that folder:');
  for (const l of w.commandLines ?? []) say(`    ${l}`);
}
