// The wrap command's help text, apart from the command itself: `keyrite wrap --help` (and a mistyped
// option) print it without loading node-forge, yaml, fflate or the wrapping code (issue 17: start-up).
import { GCP_ALGORITHMS, GCP_IMPORT_METHODS } from '../../../src-shared/wrap/gcp-specs.js';
import { KEY_MATERIAL_SPECS, WRAPPING_ALGORITHMS } from '../../../src-shared/wrap/specs.js';

/** A list laid out in lines of at most 100 columns under the option descriptions. */
function columns(words: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + w.length + 2 > 78) {
      lines.push(line);
      line = '';
    }
    line += line ? `, ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l) => `                       ${l}`).join('\n');
}

export const cloudUsage = `keyrite wrap --for gcp --import-job FILE --algorithm ALG --key KEY --material FILE --out FILE
             [--import-method METHOD] [--import-job-name projects/P/locations/L/keyRings/R/importJobs/J]
keyrite wrap --for azure --kek FILE [--kid KID] --name KEY --material FILE --out FILE.byok [--key-spec SPEC]

Wraps key material offline for another cloud's own import, and prints the command that uploads it.

Google Cloud KMS (gcloud kms keys versions import --wrapped-key-file):
  --import-job FILE    \`gcloud kms import-jobs describe JOB …\` output (YAML or --format=json), or the
                       import job's wrapping key PEM (then --import-method and --import-job-name)
  --algorithm ALG      the new key version's algorithm, one of
${columns(Object.keys(GCP_ALGORITHMS))}
  --key KEY            the crypto key, in the import job's key ring, that receives the new version
  --import-method M    the import job's method, one of
${columns(GCP_IMPORT_METHODS)}
                       (the plain rsa-oaep-*-sha256 methods carry symmetric and HMAC keys only)
Azure Key Vault (az keyvault key import --byok-file):
  --kek FILE           the key exchange key: \`az keyvault key show\` JSON, a JWK, or the PEM of
                       \`az keyvault key download\` (then --kid)
  --kid KID            the KEK's identifier, https://VAULT.vault.azure.net/keys/KEK/VERSION
  --name KEY           the name of the key to create in the KEK's vault or Managed HSM
  --key-spec SPEC      RSA_2048 | RSA_3072 | RSA_4096 | ECC_NIST_P256 | ECC_NIST_P384 | ECC_NIST_P521 |
                       ECC_SECG_P256K1 | SYMMETRIC_DEFAULT (Managed HSM only); default: from the material

--out is never overwritten (mode 0600). Prints the wrapping key's fingerprint, the material's check
value and the exact upload command.`;

export const usage = `keyrite wrap --wrapping-key FILE --material FILE --out FILE [--algorithm ALG [--unchecked-algorithm]]
             [--key-spec SPEC] [--token-out FILE] [--valid-to TIME] [--legacy-kcv]

Encrypts key material for AWS KMS ImportKeyMaterial, replacing the openssl step of a manual import,
writes the import token as the binary file the AWS CLI's fileb:// takes, and prints the exact
\`aws kms import-key-material\` command that uploads both.

  --wrapping-key FILE  the import parameters: the file \`keyrite params fetch\` wrote (names its
                       algorithm: nothing to choose, nothing to get wrong), the console's
                       ImportParameters.zip, the CLI's get-parameters-for-import JSON, or the bare
                       PublicKey (DER .bin, base64 .b64 or PEM)
  --material FILE      the plaintext key material: raw bytes (symmetric, HMAC) or PKCS#8 DER (RSA, ECC)
  --out FILE           where to write the EncryptedKeyMaterial (never overwritten; mode 0600)
  --algorithm ALG      ${WRAPPING_ALGORITHMS.join(' | ')}
                       Parameters that name their algorithm refuse any other. Parameters that do not
                       (CLI JSON, loose files) need it, together with --unchecked-algorithm: your word
                       that it is the algorithm given to get-parameters-for-import, which Keyrite
                       cannot check (a mismatch makes KMS answer InvalidCiphertextException).
  --key-spec SPEC      ${KEY_MATERIAL_SPECS.join(' | ')}
                       (default: the KMS key's spec from keyrite params fetch; otherwise recognised from
                       the material, where 32 raw bytes are taken as SYMMETRIC_DEFAULT)
  --token-out FILE     where to write the import token (default: ImportToken.bin beside --out)
  --valid-to TIME      ISO 8601 time at which the imported material expires, for the printed command
                       (default: KEY_MATERIAL_DOES_NOT_EXPIRE)
  --legacy-kcv         also print the legacy AES-ECB key check value (symmetric material)

Prints the wrapping key's SHA-256 fingerprint, the material's check value, the files written and the
import command.

example:
  keyrite params fetch --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --algorithm RSAES_OAEP_SHA_256 \\
    --key-spec RSA_4096 --region eu-west-1 --out params.json
  keyrite wrap --wrapping-key params.json --material key.bin --out EncryptedKeyMaterial.bin

--for gcp | --for azure wraps for Google Cloud KMS or Azure Key Vault instead (--for aws is the default):
${cloudUsage}`;
