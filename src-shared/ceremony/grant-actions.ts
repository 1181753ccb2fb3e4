/**
 * What another account needs to use a key, by the key's usage: the post-import grant gives these
 * unless the plan lists actions itself. A signing key granted `kms:Encrypt` is a grant nobody can use;
 * an encryption key granted `kms:Sign` is one KMS would refuse at every call. Every list has
 * `kms:DescribeKey` so the grantee can see what it was given.
 */
export function grantActionsFor(keyUsage: string, keySpec: string): readonly string[] {
  switch (keyUsage) {
    case 'SIGN_VERIFY':
      return ['kms:Sign', 'kms:Verify', 'kms:GetPublicKey', 'kms:DescribeKey'];
    case 'GENERATE_VERIFY_MAC':
      return ['kms:GenerateMac', 'kms:VerifyMac', 'kms:DescribeKey'];
    case 'KEY_AGREEMENT':
      return ['kms:DeriveSharedSecret', 'kms:GetPublicKey', 'kms:DescribeKey'];
    default:
      // ENCRYPT_DECRYPT. Data keys exist only under symmetric keys; an RSA key's public half is shared.
      return keySpec === 'SYMMETRIC_DEFAULT'
        ? ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey']
        : ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GetPublicKey', 'kms:DescribeKey'];
  }
}

/** The actions a plan's grant gives: the plan's own list, else what the key's usage needs. */
export function plannedGrantActions(
  grant: { actions?: readonly string[] | undefined },
  keyUsage: string,
  keySpec: string,
): readonly string[] {
  return grant.actions ?? grantActionsFor(keyUsage, keySpec);
}
