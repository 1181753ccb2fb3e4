import { Buffer } from 'node:buffer';
import { createPublicKey } from 'node:crypto';
import { KeyriteError } from '../errors.js';
import { type WrappingPublicKey, parseWrappingPublicKey } from './wrapping-key.js';

/** Where the KEK lives: a Key Vault (Premium) or a Managed HSM, read from its key identifier. */
export interface AzureKid {
  kid: string;
  kind: 'vault' | 'managedhsm';
  /** The vault or HSM name: the first label of the host. */
  resource: string;
  keyName: string;
  version?: string;
}

export interface AzureKek {
  wrappingKey: WrappingPublicKey;
  kid: AzureKid;
  /** Whether the KEK was read with its key operations and they were exactly ["import"]. */
  importOnly?: boolean;
}

const MAX_BYTES = 64 * 1024;
const HINT =
  'give the KEK public key from `az keyvault key download --name KEK --vault-name V --file kek.pem` with --kid, or the JSON of `az keyvault key show --name KEK --vault-name V`';
const KID =
  /^https:\/\/([A-Za-z0-9-]{3,24})\.(vault|managedhsm)\.[a-z0-9.-]+\/keys\/([A-Za-z0-9-]{1,127})(?:\/([0-9a-fA-F]{32}))?\/?$/;

export function parseAzureKid(text: string): AzureKid {
  const m = KID.exec(text.trim());
  if (!m) {
    throw invalid(
      `"${text.slice(0, 160)}" is not a Key Vault key identifier`,
      'use the kid of the key exchange key, e.g. https://VAULT.vault.azure.net/keys/KEK/VERSION (as `az keyvault key create` prints it)',
    );
  }
  const kid: AzureKid = {
    kid: text.trim().replace(/\/$/, ''),
    kind: m[2] === 'managedhsm' ? 'managedhsm' : 'vault',
    resource: m[1] as string,
    keyName: m[3] as string,
  };
  if (m[4]) kid.version = m[4];
  return kid;
}

/**
 * Reads the key exchange key: a PEM public key (then the kid comes from `givenKid`), the JSON of
 * `az keyvault key show` ({"key": {"kid", "kty", "n", "e", "keyOps"}, "attributes": …}) or a bare
 * JWK. A KEK whose operations are not exactly `import`, which is disabled or which has expired is
 * refused: Key Vault would refuse the .byok made with it.
 */
export function parseAzureKek(bytes: Uint8Array, givenKid: string | undefined, now: Date): AzureKek {
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (input.length === 0) throw invalid('the key exchange key file is empty');
  if (input.length > MAX_BYTES)
    throw invalid(`the key exchange key file is too large (${input.length} bytes)`);
  const text = input.toString('utf8');
  if (!/^\s*\{/.test(text)) {
    if (!givenKid) {
      throw invalid(
        'a PEM key exchange key does not say which key it is',
        'pass --kid with the KEK identifier (https://VAULT.vault.azure.net/keys/KEK/VERSION)',
      );
    }
    return { wrappingKey: parseWrappingPublicKey(input), kid: parseAzureKid(givenKid) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('the key exchange key file is not valid JSON');
  }
  const outer = record(doc);
  const jwk = record(outer?.key) ?? outer;
  if (!jwk) throw invalid('the key exchange key JSON is not a key');
  const kidText = typeof jwk.kid === 'string' ? jwk.kid : givenKid;
  if (!kidText) throw invalid('the key exchange key JSON has no kid', 'pass --kid with the KEK identifier');
  const kid = parseAzureKid(kidText);
  if (givenKid && parseAzureKid(givenKid).kid !== kid.kid) {
    throw invalid(
      `--kid ${givenKid} is not the kid in the file (${kid.kid})`,
      'drop --kid or give the matching file',
    );
  }
  if (jwk.kty !== 'RSA' && jwk.kty !== 'RSA-HSM') {
    throw invalid(
      `the key exchange key is ${String(jwk.kty).slice(0, 20)}, not RSA-HSM`,
      'create the KEK with --kty RSA-HSM --ops import',
    );
  }
  const ops = jwk.keyOps ?? jwk.key_ops;
  let importOnly: boolean | undefined;
  if (ops !== undefined) {
    importOnly = Array.isArray(ops) && ops.length === 1 && ops[0] === 'import';
    if (!importOnly) {
      throw invalid(
        'the key exchange key must allow exactly one operation, import',
        'create a KEK with `az keyvault key create --kty RSA-HSM --ops import`; Key Vault refuses .byok files for any other key',
      );
    }
  }
  const attributes = record(outer?.attributes);
  if (attributes?.enabled === false)
    throw invalid('the key exchange key is disabled', 'enable it or create a new KEK');
  if (typeof attributes?.expires === 'string' && new Date(attributes.expires).getTime() <= now.getTime()) {
    throw new KeyriteError(
      'AZURE_KEK_EXPIRED',
      `the key exchange key expired at ${new Date(attributes.expires).toISOString()}`,
      'create a new KEK (--ops import) and download it again',
    );
  }
  const kek: AzureKek = { wrappingKey: parseWrappingPublicKey(jwkToSpki(jwk)), kid };
  if (importOnly !== undefined) kek.importOnly = importOnly;
  return kek;
}

function jwkToSpki(jwk: Record<string, unknown>): Buffer {
  const b64url = (v: unknown, what: string): string => {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(v))
      throw invalid(`the key's ${what} is not base64`);
    return v.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  };
  try {
    const key = createPublicKey({
      key: { kty: 'RSA', n: b64url(jwk.n, 'n'), e: b64url(jwk.e, 'e') },
      format: 'jwk',
    });
    return key.export({ format: 'der', type: 'spki' });
  } catch (e) {
    if (e instanceof KeyriteError) throw e;
    throw invalid('the key exchange key JSON does not hold a usable RSA public key');
  }
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function invalid(message: string, hint = HINT): KeyriteError {
  return new KeyriteError('AZURE_KEK_INVALID', message, hint);
}
