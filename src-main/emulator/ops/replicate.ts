import { keyMetadata, requireNotPendingDeletion } from '../key-metadata.js';
import type { KeyRecord } from '../key-record.js';
import { KmsServiceError, unsupported, validation } from '../kms-error.js';
import { isPrimary, syncReplicas } from '../multi-region.js';
import { optString, reqString } from '../request-fields.js';
import { partitionOf } from '../arn.js';
import { readTags } from '../tags.js';
import type { Handler } from './handler.js';
import { checkPolicy, defaultPolicy } from './key-lifecycle.js';

const REGION = /^([a-z]+-){2,3}\d+$/;

/**
 * ReplicateKey: a replica of a multi-Region primary in another region of the same partition, with the
 * same key id, spec, usage and origin, its own policy, description and tags. A replica of an
 * imported-material key starts without material (PendingImport); of a KMS key it shares the material.
 * AWS answers with the transient state Creating (recorded, test_replicate_key); the emulator settles
 * the replica at once, so the next DescribeKey shows Enabled or PendingImport.
 */
export const replicateKey: Handler = (state, body) => {
  const primary = state.resolve(reqString(body, 'KeyId'), false);
  const replicaRegion = reqString(body, 'ReplicaRegion');
  if (replicaRegion.length > 32 || !REGION.test(replicaRegion)) {
    throw validation(
      `1 validation error detected: Value '${replicaRegion}' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ${REGION.source}`,
    );
  }
  const description = optString(body, 'Description') ?? '';
  const policy = optString(body, 'Policy') ?? defaultPolicy(state.accountId);
  checkPolicy(policy);
  const tags = readTags(body, false);
  if (!primary.multiRegion) {
    throw unsupported(
      `${primary.arn} is not a multi-Region key. Only a multi-Region primary key (CreateKey with MultiRegion true) can be replicated.`,
    );
  }
  if (!isPrimary(primary)) {
    throw unsupported(
      `${primary.arn} is a multi-Region replica key. Replicate the primary key in ${primary.primaryRegion ?? ''}.`,
    );
  }
  requireNotPendingDeletion(primary);
  if (replicaRegion === state.region) {
    throw validation(`The replica region ${replicaRegion} must differ from the primary key's region.`);
  }
  if (partitionOf(replicaRegion) !== partitionOf(state.region)) {
    throw validation(
      `The replica region ${replicaRegion} is in another partition than ${state.region}; replicas must stay in the primary key's partition.`,
    );
  }
  const target = state.account.region(replicaRegion);
  if (target.keys.has(primary.keyId)) {
    throw new KmsServiceError(
      'AlreadyExistsException',
      `Multi-Region key ${primary.keyId} already has a replica in ${replicaRegion}.`,
    );
  }
  const replica: KeyRecord = {
    keyId: primary.keyId,
    arn: target.keyArn(primary.keyId),
    accountId: primary.accountId,
    region: replicaRegion,
    creationDate: state.now(),
    description,
    keyUsage: primary.keyUsage,
    keySpec: primary.keySpec,
    origin: primary.origin,
    multiRegion: true,
    primaryRegion: primary.region,
    enabled: true,
    policy,
    tags,
    materials: [],
  };
  if (primary.primaryRegion === undefined) {
    primary.primaryRegion = primary.region;
    state.save(primary);
  }
  target.save(replica);
  syncReplicas(state, primary);
  const out: Record<string, unknown> = {
    ReplicaKeyMetadata: keyMetadata(target, replica, { creating: true }),
    ReplicaPolicy: policy,
  };
  if (tags.length > 0) out.ReplicaTags = tags;
  return out;
};
