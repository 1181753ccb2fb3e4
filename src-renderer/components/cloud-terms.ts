import type { KeyIdentity } from '../../src-shared/ipc/ceremony-view.js';

export type Provider = KeyIdentity['provider'];

/*
 * The words each cloud uses, as the main process's provider facts (src-shared/ceremony/providers.ts)
 * say them; that module pulls in the plan's Node-side code, so the renderer keeps its own copy of the
 * few words it shows.
 */
const TERMS: { readonly [P in Provider]: { cloud: string; keyName: string; owner: 'account' | 'project' } } =
  {
    aws: { cloud: 'AWS KMS', keyName: 'Key ARN', owner: 'account' },
    huawei: { cloud: 'Huawei Cloud KMS', keyName: 'Key URN', owner: 'project' },
  };

/** What owns keys in the cloud: an AWS account, a Huawei Cloud project. */
export const ownerWord = (provider: Provider | undefined): 'account' | 'project' =>
  TERMS[provider ?? 'aws'].owner;

/** The label of a key's full name as its cloud calls it: "Key ARN" (AWS), "Key URN" (Huawei Cloud). */
export const keyNameLabel = (provider: Provider | undefined): string => TERMS[provider ?? 'aws'].keyName;

/** "AWS KMS", "Huawei Cloud KMS". */
export const cloudName = (provider: Provider | undefined): string => TERMS[provider ?? 'aws'].cloud;

export const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
