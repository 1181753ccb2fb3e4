/**
 * The AWS partition a region belongs to (China and GovCloud have their own). ARNs carry it, and a
 * multi-Region key replicates only within its partition.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** The region an AWS KMS key ARN names (`arn:<partition>:kms:<region>:…`), or undefined for a bare id. */
export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length > 4 && parts[3] ? parts[3] : undefined;
}
