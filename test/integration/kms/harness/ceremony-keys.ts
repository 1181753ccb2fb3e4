import { type KMSClient, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';

/**
 * The keys an emulator holds that carry a ceremony's tag (keyrite:ceremony), asked directly with the
 * SDK: how many keys a ceremony left in the account, whatever its own log says.
 */
export async function keysOfCeremony(sdk: KMSClient, ceremonyId: string): Promise<string[]> {
  const keys = (await sdk.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? [];
  const ours: string[] = [];
  for (const k of keys) {
    const tags = (await sdk.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags ?? [];
    if (tags.some((t) => t.TagKey === 'keyrite:ceremony' && t.TagValue === ceremonyId))
      ours.push(k.KeyArn ?? '');
  }
  return ours;
}
