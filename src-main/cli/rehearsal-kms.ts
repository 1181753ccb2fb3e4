import type { CeremonyPlan } from '../../src-shared/ceremony/plan.js';
import type { RunningEmulator } from '../emulator/index.js';
import { HUAWEI_EMULATOR_CREDENTIALS } from '../emulator/huawei/huawei-auth.js';
import { kmsPortForPlan } from '../kms/kms-for-plan.js';
import type { KmsPort } from '../kms/kms-port.js';

/**
 * The KMS a rehearsal talks to: the endpoint given (credentials from the environment, as for any
 * endpoint: `keyrite emulator` prints the Huawei ones), or an embedded emulator serving the plan's cloud,
 * account or project, and region.
 */
export async function rehearsalKms(
  plan: CeremonyPlan,
  endpoint: string | undefined,
): Promise<{ kms: KmsPort; emulator?: RunningEmulator }> {
  const source = await rehearsalKmsSource(plan, endpoint);
  try {
    return { kms: source.connect(), ...(source.emulator ? { emulator: source.emulator } : {}) };
  } catch (e) {
    await source.emulator?.close();
    throw e;
  }
}

/**
 * The same KMS for a rehearsal that connects more than once (each station half of an air-gapped
 * rehearsal closes the port it was given, and with it the credentials it holds).
 */
export async function rehearsalKmsSource(
  plan: CeremonyPlan,
  endpoint: string | undefined,
): Promise<{ connect(): KmsPort; emulator?: RunningEmulator }> {
  if (endpoint) return { connect: () => kmsPortForPlan(plan, { endpoint }) };
  const t = plan.target;
  // Loaded only here: a rehearsal against a running emulator (--endpoint) never loads this one's code.
  const { startEmulator } = await import('../emulator/index.js');
  // The wrapping key the import will ask for (the plan's; Huawei's is always 2,048 bits) is generated
  // while the room enrolls, not while the import step waits.
  const emulator = await startEmulator(
    t.provider === 'aws'
      ? { region: t.region, accountId: t.accountId, prepareWrappingKeys: [plan.wrapping.keySpec] }
      : {
          region: t.region,
          huawei: { region: t.region, projectId: t.projectId },
          prepareWrappingKeys: ['RSA_2048'],
        },
  );
  const url = emulator.huawei?.url ?? emulator.url;
  return {
    emulator,
    connect: () => kmsPortForPlan(plan, { endpoint: url, huaweiCredentials: HUAWEI_EMULATOR_CREDENTIALS }),
  };
}
