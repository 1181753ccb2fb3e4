import type { PlanProvider } from './plan.js';

/**
 * What differs between the clouds a plan can target, as data the steps, the hand-over and the view read
 * (the KMS calls themselves differ behind the KmsPort): the cloud's name, what its key name is called,
 * the tag Keyrite puts on a key it creates, and what the cloud lacks.
 */
export interface ProviderFacts {
  /** "AWS KMS", "Huawei Cloud KMS": on the hand-over, the report and the screens. */
  readonly cloud: string;
  /** What the key's full name is called there (AWS: key ARN; Huawei: the key's IAM resource URN). */
  readonly keyName: string;
  /** The tag naming the ceremony on a created key (Huawei tag keys allow no `:`). */
  readonly ceremonyTag: string;
  /** Whether the key has a key policy a grant can extend (Huawei KMS has none: access is IAM's). */
  readonly keyPolicy: boolean;
  /** Whether the cloud can say who the caller is (AWS STS); Huawei KMS cannot. */
  readonly callerIdentity: boolean;
}

export const PROVIDERS: { readonly [P in PlanProvider]: ProviderFacts } = {
  aws: {
    cloud: 'AWS KMS',
    keyName: 'key ARN',
    ceremonyTag: 'keyrite:ceremony',
    keyPolicy: true,
    callerIdentity: true,
  },
  huawei: {
    cloud: 'Huawei Cloud KMS',
    keyName: 'key URN',
    ceremonyTag: 'keyrite-ceremony',
    keyPolicy: false,
    callerIdentity: false,
  },
};

/**
 * The access key of Keyrite's embedded Huawei emulator: public by design (the emulator only ever runs as a
 * rehearsal), kept here so a report can tell a rehearsal from Huawei Cloud without importing the emulator.
 */
export const HUAWEI_EMULATOR_ACCESS_KEY = 'KEYRITEHUAWEIEMULATOR0';

/** How a Huawei caller is named in the log: its access key shortened, never whole. */
export function huaweiPrincipal(accessKey: string): string {
  return `access key ${accessKey.length > 8 ? `${accessKey.slice(0, 4)}…${accessKey.slice(-4)}` : '…'}`;
}
