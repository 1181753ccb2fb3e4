/**
 * The shape of every `*Arn` field in a log: an AWS ARN (`arn:aws…:`), or — for Huawei Cloud KMS, which
 * has no ARNs — the key's IAM resource URN `kms:<region>:<domain id>:KeyId:<key id>`, the name Huawei's
 * identity policies give a KMS key.
 */
export const KEY_NAME =
  /^(arn:aws[a-z-]*:|kms:[a-z]{2}(-[a-z0-9]+){1,4}:[0-9a-f]{32}:KeyId:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)/;
