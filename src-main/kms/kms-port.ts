/**
 * The KMS operations the ceremony engine needs, in the engine's own terms. An adapter maps them onto
 * the KMS gateway (src-main/kms), so the engine's steps read as the runbook does and tests can see
 * exactly which calls a ceremony makes.
 */
export interface KeyFacts {
  keyId: string;
  arn: string;
  keyState: string;
  keySpec: string;
  origin: string;
  keyUsage?: string;
  expirationModel?: string;
  validTo?: Date;
  keyMaterialId?: string;
}

export interface ImportParametersResult {
  keyArn: string;
  importToken: Buffer;
  publicKey: Buffer;
  validTo: Date;
}

export interface KmsPort {
  callerIdentity(): Promise<{ account: string; arn: string }>;
  createKey(input: {
    keySpec: string;
    keyUsage: string;
    description: string;
    tags: Record<string, string>;
  }): Promise<KeyFacts>;
  describeKey(keyId: string): Promise<KeyFacts>;
  createAlias(alias: string, keyId: string): Promise<void>;
  getParametersForImport(
    keyId: string,
    algorithm: string,
    wrappingKeySpec: string,
  ): Promise<ImportParametersResult>;
  importKeyMaterial(input: {
    keyId: string;
    importToken: Buffer;
    encryptedKeyMaterial: Buffer;
    expirationModel: string;
    validTo?: Date;
  }): Promise<{ keyMaterialId?: string }>;
  encrypt(keyId: string, plaintext: Buffer, algorithm?: string): Promise<Buffer>;
  decrypt(keyId: string, ciphertext: Buffer, algorithm?: string): Promise<Buffer>;
  generateMac(keyId: string, message: Buffer, macAlgorithm: string): Promise<Buffer>;
  sign(keyId: string, message: Buffer, signingAlgorithm: string): Promise<Buffer>;
  getPublicKey(keyId: string): Promise<Buffer>;
  getKeyPolicy(keyId: string): Promise<string>;
  putKeyPolicy(keyId: string, policy: string): Promise<void>;
  close(): void;
}
