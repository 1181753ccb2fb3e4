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

/** One key material of a symmetric key (ListKeyRotations, IncludeKeyMaterial ALL_KEY_MATERIAL). */
export interface KeyMaterialFacts {
  keyMaterialId: string;
  /** CURRENT, NON_CURRENT, PENDING_ROTATION or PENDING_MULTI_REGION_IMPORT_AND_ROTATION. */
  state: string;
  /** Imported material only: IMPORTED or PENDING_IMPORT (expired or deleted). */
  importState?: string;
  expirationModel?: string;
  validTo?: Date;
  description?: string;
  rotationDate?: Date;
  rotationType?: string;
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
    /** Symmetric keys only (2025 import API): NEW stages material for RotateKeyOnDemand. */
    importType?: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';
    /** With EXISTING_KEY_MATERIAL: KMS checks the material is the one it knows by this id. */
    keyMaterialId?: string;
    keyMaterialDescription?: string;
  }): Promise<{ keyMaterialId?: string }>;
  /** Makes the material pending rotation CURRENT (on a multi-Region primary: in every region). */
  rotateKeyOnDemand(keyId: string): Promise<void>;
  /** Every material of a symmetric key, oldest first, with its state. */
  listKeyMaterials(keyId: string): Promise<KeyMaterialFacts[]>;
  /** A replica of a multi-Region primary key in `region`. */
  replicateKey(keyId: string, region: string, description: string): Promise<KeyFacts>;
  encrypt(keyId: string, plaintext: Buffer, algorithm?: string): Promise<Buffer>;
  decrypt(keyId: string, ciphertext: Buffer, algorithm?: string): Promise<Buffer>;
  generateMac(keyId: string, message: Buffer, macAlgorithm: string): Promise<Buffer>;
  sign(keyId: string, message: Buffer, signingAlgorithm: string): Promise<Buffer>;
  getPublicKey(keyId: string): Promise<Buffer>;
  getKeyPolicy(keyId: string): Promise<string>;
  putKeyPolicy(keyId: string, policy: string): Promise<void>;
  close(): void;
}
