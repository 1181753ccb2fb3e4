import { partitionOf } from '../../src-shared/kms/aws-partition.js';

export { partitionOf };

/**
 * KMS ARNs as AWS writes them: `arn:<partition>:kms:<region>:<account>:key/<id>` and
 * `…:alias/<name>`. The partition follows the region (China and GovCloud have their own), so an
 * emulated key in cn-north-1 carries the ARN a real one would.
 */
export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:key/${keyId}`;
}

/** `name` includes the `alias/` prefix, as KMS alias names always do. */
export function aliasArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:${name}`;
}

export interface ParsedKmsArn {
  region: string;
  accountId: string;
  kind: 'key' | 'alias';
  /** The key id, or the alias name without its `alias/` prefix. */
  resource: string;
}

export function parseKmsArn(text: string): ParsedKmsArn | undefined {
  const m = /^arn:aws[a-z-]*:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/.exec(text);
  if (!m) return undefined;
  const [, region, accountId, kind, resource] = m as unknown as [
    string,
    string,
    string,
    'key' | 'alias',
    string,
  ];
  return { region, accountId, kind, resource };
}
