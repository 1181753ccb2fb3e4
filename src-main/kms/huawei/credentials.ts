import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';

/**
 * Huawei Cloud AK/SK credentials, held by the main process only. The secret key lives in a
 * SecretBuffer (zeroed by dispose); the environment variable or JSON text it came from is a string
 * Keyrite cannot wipe, which is as much as any SDK can do.
 */
export interface HuaweiCredentials {
  accessKey: string;
  secretKey: SecretBuffer;
  /** Temporary credentials (STS) carry a security token, sent as X-Security-Token. */
  securityToken?: string;
  /** Where they came from, for people: "environment (HUAWEICLOUD_SDK_AK)" or "KooCLI profile default". */
  source: string;
  /** A project id found with the credentials (environment or profile), if any. */
  projectId?: string;
  region?: string;
}

export interface CredentialSources {
  env: NodeJS.ProcessEnv;
  /** KooCLI profile name; absent: the environment first, then the profile KooCLI marks current. */
  profile?: string;
  /** KooCLI's configuration file; default ~/.hcloud/config.json. */
  configPath?: string;
}

const HINT =
  'set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys), or configure KooCLI with `hcloud configure init`';
const MAX_CONFIG_BYTES = 1 << 20;

/** The Huawei Cloud SDKs' environment variables, then KooCLI's profile file. */
export function loadHuaweiCredentials(src: CredentialSources): HuaweiCredentials {
  const ak = src.env.HUAWEICLOUD_SDK_AK;
  const sk = src.env.HUAWEICLOUD_SDK_SK;
  if (!src.profile && (ak || sk)) {
    if (!ak || !sk) {
      throw new KeyriteError(
        'HUAWEI_CREDENTIALS_MISSING',
        `HUAWEICLOUD_SDK_${ak ? 'SK' : 'AK'} is not set (the other half of the access key is)`,
        'set both HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK',
      );
    }
    const creds: HuaweiCredentials = {
      accessKey: checkAk(ak),
      secretKey: SecretBuffer.adopt(Buffer.from(sk, 'utf8')),
      source: 'environment (HUAWEICLOUD_SDK_AK)',
    };
    const token = src.env.HUAWEICLOUD_SDK_SECURITY_TOKEN;
    if (token) creds.securityToken = token;
    if (src.env.HUAWEICLOUD_SDK_PROJECT_ID) creds.projectId = src.env.HUAWEICLOUD_SDK_PROJECT_ID;
    return creds;
  }
  return fromKooCli(src.configPath ?? path.join(homedir(), '.hcloud', 'config.json'), src.profile);
}

/**
 * KooCLI (hcloud) keeps profiles in ~/.hcloud/config.json: {"current": NAME, "authEncrypt": …,
 * "profiles": [{"name", "mode", "accessKeyId", "secretAccessKey", "securityToken", "region",
 * "projectId", …}]}. KooCLI 7 encrypts the keys by default (authEncrypt); those cannot be read by
 * anything but KooCLI, so Keyrite says so instead of sending ciphertext as a key.
 */
function fromKooCli(file: string, profileName: string | undefined): HuaweiCredentials {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile() || st.size > MAX_CONFIG_BYTES) throw new Error('not a config file');
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_MISSING',
      profileName
        ? `no KooCLI configuration at ${file} to read profile ${profileName} from`
        : 'no Huawei Cloud credentials found',
      HINT,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_INVALID',
      `${file} is not valid JSON`,
      'repair it with `hcloud configure init`, or use the environment variables',
    );
  }
  const o = record(doc);
  const profiles = Array.isArray(o.profiles) ? o.profiles.map(record) : [];
  const wanted = profileName ?? (typeof o.current === 'string' ? o.current : 'default');
  const p = profiles.find((x) => x.name === wanted);
  if (!p) {
    const names = profiles.map((x) => String(x.name)).join(', ') || 'none';
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_MISSING',
      `KooCLI has no profile "${wanted.slice(0, 60)}" (profiles: ${names})`,
      'pass --huawei-profile with one of them, or add it with `hcloud configure set`',
    );
  }
  if (o.authEncrypt === true || o.authEncrypt === 'true') {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_ENCRYPTED',
      `KooCLI stores the keys of profile "${wanted}" encrypted; only KooCLI can read them`,
      'give Keyrite the access key in HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK instead',
    );
  }
  if (p.mode !== undefined && p.mode !== 'AKSK') {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_INVALID',
      `KooCLI profile "${wanted}" uses ${String(p.mode).slice(0, 20)} authentication, not AK/SK`,
      'use a profile with --cli-mode=AKSK',
    );
  }
  const ak = typeof p.accessKeyId === 'string' ? p.accessKeyId : '';
  const sk = typeof p.secretAccessKey === 'string' ? p.secretAccessKey : '';
  if (!ak || !sk) {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_MISSING',
      `KooCLI profile "${wanted}" has no access key`,
      'set it with `hcloud configure set --cli-access-key=… --cli-secret-key=…`',
    );
  }
  const creds: HuaweiCredentials = {
    accessKey: checkAk(ak),
    secretKey: SecretBuffer.adopt(Buffer.from(sk, 'utf8')),
    source: `KooCLI profile ${wanted}`,
  };
  if (typeof p.securityToken === 'string' && p.securityToken) creds.securityToken = p.securityToken;
  if (typeof p.projectId === 'string' && p.projectId) creds.projectId = p.projectId;
  if (typeof p.region === 'string' && p.region) creds.region = p.region;
  return creds;
}

function checkAk(ak: string): string {
  if (!/^[A-Za-z0-9]{8,128}$/.test(ak)) {
    throw new KeyriteError(
      'HUAWEI_CREDENTIALS_INVALID',
      'the Huawei Cloud access key id is malformed (letters and digits only)',
      HINT,
    );
  }
  return ak;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
