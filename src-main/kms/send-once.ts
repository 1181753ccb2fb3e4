import {
  type CreateAliasCommandInput,
  type CreateKeyCommandInput,
  type CreateKeyCommandOutput,
  DescribeKeyCommand,
  type KeyMetadata,
  type KMSClient,
  ListKeysCommand,
  ListResourceTagsCommand,
  type Tag,
} from '@aws-sdk/client-kms';
import { KeyriteError } from '../../src-shared/errors.js';
import { PROVIDERS } from '../../src-shared/ceremony/providers.js';

/** A failure after which the request may or may not have reached KMS (5xx, timeout, broken connection). */
export function outcomeUnknown(e: unknown): boolean {
  const err = (e ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (err.name === 'TimeoutError' || err.name === 'RequestTimeout') return true;
  return (
    ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED'].includes(err.code ?? '') ||
    /socket hang up/i.test(String((e as Error)?.message))
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Sends a request that must not be repeated blindly, resending it only after a throttling refusal:
 * KMS refused it before running it, so the resend cannot run it twice. Pauses grow; the last refusal
 * goes to the caller.
 */
export async function resendIfThrottled<T>(
  send: () => Promise<T>,
  pausesMs = [250, 1_000, 3_000],
): Promise<T> {
  for (const pause of pausesMs) {
    try {
      return await send();
    } catch (e) {
      if ((e as { name?: string })?.name !== 'ThrottlingException') throw e;
      await sleep(pause);
    }
  }
  return send();
}

/** How many keys a search for a lost CreateKey's key looks at before it gives up and says so. */
export const SEARCH_LIMIT = 2_000;

type TaggedSearch = (key: string, value: string, limit: number) => Promise<KeyMetadata[] | 'too-many'>;

/**
 * The key an earlier CreateKey carrying `tag` made, if one did (PendingImport, tagged); undefined when
 * none did. Two or more, an account too large to search, or a search that could not finish cannot be
 * told from one another: whether a key was made stays unknown, and the ceremony stops saying so.
 */
async function keyAlreadyMade(
  tag: { key: string; value: string },
  tagged: TaggedSearch,
): Promise<KeyMetadata | undefined> {
  let found: KeyMetadata[] | 'too-many';
  try {
    found = await tagged(tag.key, tag.value, SEARCH_LIMIT);
  } catch (search) {
    if (search instanceof KeyriteError) throw search;
    // Not "no key": the search could not finish.
    throw new KeyriteError(
      'KMS_CREATE_KEY_OUTCOME_UNKNOWN',
      `CreateKey's answer was lost, and looking for the key it may have made failed too (${(search as { name?: string })?.name ?? 'an error'})`,
      'resume the ceremony once KMS answers again: it looks for that key before it makes another',
      { cause: search },
    );
  }
  if (found === 'too-many' || found.length > 1)
    throw new KeyriteError(
      'KMS_CREATE_KEY_OUTCOME_UNKNOWN',
      `CreateKey's answer was lost and Keyrite cannot tell which key it made (${found === 'too-many' ? `more than ${SEARCH_LIMIT} keys in the account` : `${found.length} keys`} carry ${tag.key}=${tag.value})`,
      `list the PendingImport keys tagged ${tag.key}=${tag.value} (aws kms list-resource-tags), schedule the deletion of all but one, then resume the ceremony`,
    );
  return found[0];
}

/**
 * CreateKey has no idempotency token: the SDK's own retry after a lost answer makes a second key and
 * leaves the first behind, unseen, in the customer's account. So CreateKey is sent once; when its
 * answer is lost, the key the ceremony tagged is looked for, and used if it is there (PendingImport,
 * this ceremony's tag). Only when no such key exists is CreateKey sent again. `searchFirst`: an
 * earlier run of the step may have made the key before it was stopped (its answer lost, the search
 * after it failed, or the station killed): look before sending.
 */
export async function createKeyOnce(
  input: CreateKeyCommandInput,
  send: (i: CreateKeyCommandInput) => Promise<CreateKeyCommandOutput>,
  tagged: TaggedSearch,
  opts: { searchFirst?: boolean } = {},
): Promise<CreateKeyCommandOutput> {
  const t = input.Tags?.find((x) => x.TagKey === PROVIDERS.aws.ceremonyTag);
  const tag = t?.TagKey && t.TagValue ? { key: t.TagKey, value: t.TagValue } : undefined;
  if (opts.searchFirst && tag) {
    const earlier = await keyAlreadyMade(tag, tagged);
    if (earlier) return { KeyMetadata: earlier, $metadata: {} };
  }
  try {
    return await resendIfThrottled(() => send(input));
  } catch (first) {
    if (!outcomeUnknown(first) || !tag) throw first;
    const key = await keyAlreadyMade(tag, tagged);
    if (key) return { KeyMetadata: key, $metadata: {} };
    return resendIfThrottled(() => send(input));
  }
}

/**
 * A key whose tags cannot be read because of what it is (another account's, an AWS managed key, one
 * deleted since it was listed) is not one a ceremony made. Any other failure leaves the search
 * incomplete, and a search that skipped the very key it looks for would make a second one.
 */
function notACeremonyKey(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'AccessDeniedException' || name === 'NotFoundException';
}

/** The PendingImport keys carrying a tag, found by listing the account's keys (at most `limit`). */
export async function pendingKeysTagged(
  kms: KMSClient,
  key: string,
  value: string,
  limit: number,
): Promise<KeyMetadata[] | 'too-many'> {
  const found: KeyMetadata[] = [];
  let seen = 0;
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeysCommand({ Limit: 1000, ...(marker ? { Marker: marker } : {}) }));
    for (const k of page.Keys ?? []) {
      if (++seen > limit) return 'too-many';
      let tags: Tag[];
      try {
        tags = (await kms.send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags ?? [];
      } catch (e) {
        if (notACeremonyKey(e)) continue;
        throw e;
      }
      if (!tags.some((t) => t.TagKey === key && t.TagValue === value)) continue;
      const m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata;
      if (m?.KeyState === 'PendingImport') found.push(m);
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  return found;
}

/**
 * CreateAlias sent once: after a lost answer, the alias is looked up, and if it already names the key
 * (the first request ran), that is success; otherwise it is sent again. A blind retry would be refused
 * with "already exists" for an alias this very request made.
 */
export async function createAliasOnce(
  input: CreateAliasCommandInput,
  send: (i: CreateAliasCommandInput) => Promise<unknown>,
  targetOf: (alias: string) => Promise<KeyMetadata | undefined>,
): Promise<void> {
  try {
    await resendIfThrottled(() => send(input));
    return;
  } catch (first) {
    if (!outcomeUnknown(first) || !input.AliasName) throw first;
  }
  const now = await targetOf(input.AliasName).catch(() => undefined);
  if (now && (now.KeyId === input.TargetKeyId || now.Arn === input.TargetKeyId)) return;
  await resendIfThrottled(() => send(input));
}
