import { KeyriteError } from '../../src-shared/errors.js';
import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { kmsPortFromGateway } from './aws-kms-port.js';
import { createKmsGateway } from './kms-gateway.js';
import type { KmsPort } from './kms-port.js';
import { type HuaweiCredentials, loadHuaweiCredentials } from './huawei/credentials.js';
import { createHuaweiKms } from './huawei/huawei-kms.js';
import { huaweiKmsPort } from './huawei/huawei-kms-port.js';

export interface KmsConnection {
  /** Endpoint override: an emulator (either dialect) or a private endpoint. */
  endpoint?: string;
  /** AWS shared-config profile, or KooCLI profile for Huawei. */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  /** Huawei credentials handed over by whoever started the endpoint (the embedded emulator's). */
  huaweiCredentials?: { accessKey: string; secretKey: string };
}

/**
 * The composition root's one choice of cloud: the KMS port for the plan's target. Everything after
 * this (steps, recovery, reports) talks to the port and never asks which cloud it is.
 */
export function kmsPortForPlan(plan: CeremonyPlan, c: KmsConnection = {}): KmsPort {
  const t = plan.target;
  const endpoint = c.endpoint ? { endpoint: c.endpoint } : {};
  if (t.provider === 'aws')
    return kmsPortFromGateway(
      createKmsGateway({ region: t.region, ...endpoint, ...(c.profile ? { profile: c.profile } : {}) }),
    );
  const credentials: HuaweiCredentials = c.huaweiCredentials
    ? {
        accessKey: c.huaweiCredentials.accessKey,
        secretKey: SecretBuffer.adopt(Buffer.from(c.huaweiCredentials.secretKey, 'utf8')),
        source: 'the embedded emulator',
      }
    : loadHuaweiCredentials({ env: c.env ?? process.env, ...(c.profile ? { profile: c.profile } : {}) });
  if (credentials.projectId && credentials.projectId !== t.projectId) {
    credentials.secretKey.dispose();
    throw new KeyriteError(
      'HUAWEI_WRONG_PROJECT',
      `the Huawei credentials (${credentials.source}) are for project ${credentials.projectId}, the plan targets ${t.projectId}`,
      'use credentials for the planned project (HUAWEICLOUD_SDK_PROJECT_ID or the KooCLI profile), or fix the plan',
    );
  }
  const kms = createHuaweiKms({ region: t.region, projectId: t.projectId, credentials, ...endpoint });
  return huaweiKmsPort(kms, {
    region: t.region,
    projectId: t.projectId,
    accessKey: credentials.accessKey,
    credentialSource: credentials.source,
    ...endpoint,
  });
}
