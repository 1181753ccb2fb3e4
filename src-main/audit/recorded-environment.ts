import { classifyEnvironment, type KmsEnvironment } from '../../src-shared/ceremony/environment.js';
import {
  HUAWEI_EMULATOR_ACCESS_KEY,
  huaweiPrincipal,
  PROVIDERS,
} from '../../src-shared/ceremony/providers.js';

/** The caller the AWS emulator answers GetCallerIdentity with (src-main/emulator/sts.ts). */
const AWS_EMULATOR_CALLER = /^arn:aws:iam::\d{12}:user\/keyrite-emulator$/;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Whether an answer to the identity question came from a Keyrite emulator (AWS's or Huawei's). */
export function isEmulatorCaller(provider: 'aws' | 'huawei', caller: string): boolean {
  return provider === 'huawei'
    ? caller.startsWith(huaweiPrincipal(HUAWEI_EMULATOR_ACCESS_KEY))
    : AWS_EMULATOR_CALLER.test(caller);
}

/**
 * What a `kms.identity` record (or the same facts before it is written) says about where the calls
 * went. Each emulator is recognised by the identity it answers with: AWS's by its caller ARN, Huawei's
 * by its fixed access key (Huawei KMS has no caller-identity call).
 */
export function environmentOfIdentity(id: Record<string, unknown>): KmsEnvironment {
  const huawei = id['projectId'] !== undefined;
  const caller = huawei ? text(id['principal']) : text(id['callerArn']);
  return classifyEnvironment({
    cloud: PROVIDERS[huawei ? 'huawei' : 'aws'].cloud,
    ownerKind: huawei ? 'project' : 'account',
    account: huawei ? text(id['projectId']) : text(id['account']),
    caller,
    region: text(id['region']),
    endpoint: text(id['endpoint']) || undefined,
    answeredByEmulator: isEmulatorCaller(huawei ? 'huawei' : 'aws', caller),
  });
}
