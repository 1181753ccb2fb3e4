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
  /** A multi-Region key: PRIMARY or REPLICA (DescribeKey's MultiRegionConfiguration). */
  multiRegionKeyType?: string;
  /** A multi-Region key's replicas, each with its region and ARN (as the primary or a replica lists them). */
  replicas?: { region: string; arn: string }[];
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

/**
 * Who the calls run as. AWS names the caller (STS); Huawei KMS has no such call, so its port proves the
 * credentials are accepted in the project with a signed call and names the access key instead.
 */
export interface CallerIdentity {
  /** The AWS account, or the Huawei Cloud project the signed call was accepted in. */
  account: string;
  /** The caller's ARN (AWS). */
  arn?: string;
  /** Who, when there is no ARN: the access key (shortened) and where it came from. */
  principal?: string;
}

export interface KmsPort {
  /**
   * The KMS endpoint override in force (an emulator, a proxy), absent for the regional AWS endpoint.
   * Recorded with the caller identity so the log, the report and the hand-over sheet say where calls went.
   */
  readonly endpoint?: string | undefined;
  callerIdentity(): Promise<CallerIdentity>;
  createKey(input: {
    keySpec: string;
    keyUsage: string;
    description: string;
    tags: Record<string, string>;
    /** Clouds that name a key when creating it (Huawei's key_alias) take it here; AWS ignores it (CreateAlias). */
    alias?: string;
    /** AWS: a multi-Region primary key, to be replicated into other regions. */
    multiRegion?: boolean;
    /**
     * An earlier run of the step sent CreateKey and was stopped before its answer was recorded: the
     * key it may have made (this ceremony's tag, PendingImport) is looked for first and used if found,
     * so a resumed ceremony does not leave it behind and make a second. AWS only.
     */
    afterInterruptedRun?: boolean;
  }): Promise<KeyFacts>;
  /** The full name of the key an alias names, or null when no key has that alias. */
  aliasTarget(alias: string): Promise<string | null>;
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
  /**
   * The same cloud, account and credentials in another region (a multi-Region key's replicas live
   * there). Absent where the cloud has no multi-Region keys. Closed with this port.
   */
  inRegion?(region: string): KmsPort;
  encrypt(keyId: string, plaintext: Buffer, algorithm?: string): Promise<Buffer>;
  decrypt(keyId: string, ciphertext: Buffer, algorithm?: string): Promise<Buffer>;
  generateMac(keyId: string, message: Buffer, macAlgorithm: string): Promise<Buffer>;
  sign(keyId: string, message: Buffer, signingAlgorithm: string): Promise<Buffer>;
  getPublicKey(keyId: string): Promise<Buffer>;
  getKeyPolicy(keyId: string): Promise<string>;
  putKeyPolicy(keyId: string, policy: string): Promise<void>;
  close(): void;
}
