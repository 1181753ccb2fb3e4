import {
  CreateAliasCommand,
  type CreateAliasCommandInput,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  type CreateKeyCommandOutput,
  DecryptCommand,
  type DecryptCommandInput,
  type DecryptCommandOutput,
  DeleteImportedKeyMaterialCommand,
  type DeleteImportedKeyMaterialCommandInput,
  type DeleteImportedKeyMaterialCommandOutput,
  DescribeKeyCommand,
  type DescribeKeyCommandOutput,
  EncryptCommand,
  type EncryptCommandInput,
  type EncryptCommandOutput,
  GenerateMacCommand,
  type GenerateMacCommandInput,
  type GenerateMacCommandOutput,
  GetKeyPolicyCommand,
  type GetKeyPolicyCommandOutput,
  GetParametersForImportCommand,
  type GetParametersForImportCommandInput,
  type GetParametersForImportCommandOutput,
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  ImportKeyMaterialCommand,
  type ImportKeyMaterialCommandInput,
  type ImportKeyMaterialCommandOutput,
  KMSClient,
  type KMSClientConfig,
  ListAliasesCommand,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  ListKeyRotationsCommand,
  type ListKeyRotationsCommandInput,
  type ListKeyRotationsCommandOutput,
  ReplicateKeyCommand,
  type ReplicateKeyCommandInput,
  type ReplicateKeyCommandOutput,
  RotateKeyOnDemandCommand,
  type RotateKeyOnDemandCommandOutput,
  PutKeyPolicyCommand,
  type PutKeyPolicyCommandInput,
  ScheduleKeyDeletionCommand,
  type ScheduleKeyDeletionCommandInput,
  type ScheduleKeyDeletionCommandOutput,
  SignCommand,
  type SignCommandInput,
  type SignCommandOutput,
  TagResourceCommand,
  type TagResourceCommandInput,
  VerifyCommand,
  type VerifyCommandInput,
  type VerifyCommandOutput,
  VerifyMacCommand,
  type VerifyMacCommandInput,
  type VerifyMacCommandOutput,
} from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { KeyriteError } from '../../src-shared/errors.js';
import { ImportGuard } from './import-guard.js';
import {
  createAliasOnce,
  createKeyOnce,
  outcomeUnknown,
  pendingKeysTagged,
  resendIfThrottled,
} from './send-once.js';
import { resendImport } from './import-resend.js';
import { toKeyriteError } from './kms-errors.js';

export interface KmsGatewayOptions {
  region: string;
  /** Endpoint override, e.g. the emulator's http://127.0.0.1:PORT. Absent: the regional AWS endpoint. */
  endpoint?: string;
  /** Shared-config profile (~/.aws/config, SSO); absent: the SDK's default provider chain. */
  profile?: string;
  /** Explicit credentials or a provider (AwsCredentialIdentity | AwsCredentialIdentityProvider). */
  credentials?: KMSClientConfig['credentials'];
  /** Total attempts per call with the SDK's standard retry mode (default 3). Imports are not retried blindly. */
  maxAttempts?: number;
  /** Per-request time limit in milliseconds (default 30 000). */
  requestTimeoutMs?: number;
  /** Share or pre-arm the import guard (e.g. from the audit log after a restart); default: a fresh one. */
  importGuard?: ImportGuard;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

type Out<T> = Omit<T, '$metadata'>;

/** What the ceremony needs from KMS, typed, with every failure a KeyriteError. */
export interface KmsGateway {
  readonly region: string;
  readonly endpoint: string | undefined;
  /** A gateway with the same endpoint, profile and credentials in another region (its own import guard). */
  inRegion(region: string): KmsGateway;
  callerIdentity(): Promise<CallerIdentity>;
  /** `searchFirst`: see createKeyOnce. */
  createKey(
    input: CreateKeyCommandInput,
    opts?: { searchFirst?: boolean },
  ): Promise<Out<CreateKeyCommandOutput>>;
  describeKey(keyId: string): Promise<Out<DescribeKeyCommandOutput>>;
  listAliases(input?: ListAliasesCommandInput): Promise<Out<ListAliasesCommandOutput>>;
  createAlias(input: CreateAliasCommandInput): Promise<void>;
  tagResource(input: TagResourceCommandInput): Promise<void>;
  getKeyPolicy(keyId: string): Promise<Out<GetKeyPolicyCommandOutput>>;
  putKeyPolicy(input: PutKeyPolicyCommandInput): Promise<void>;
  getParametersForImport(
    input: GetParametersForImportCommandInput,
  ): Promise<Out<GetParametersForImportCommandOutput>>;
  /** Idempotent: see ImportGuard. Resends the identical request once if the first outcome is unknown. */
  importKeyMaterial(input: ImportKeyMaterialCommandInput): Promise<ImportResult>;
  deleteImportedKeyMaterial(
    input: DeleteImportedKeyMaterialCommandInput,
  ): Promise<Out<DeleteImportedKeyMaterialCommandOutput>>;
  scheduleKeyDeletion(input: ScheduleKeyDeletionCommandInput): Promise<Out<ScheduleKeyDeletionCommandOutput>>;
  rotateKeyOnDemand(keyId: string): Promise<Out<RotateKeyOnDemandCommandOutput>>;
  listKeyRotations(input: ListKeyRotationsCommandInput): Promise<Out<ListKeyRotationsCommandOutput>>;
  replicateKey(input: ReplicateKeyCommandInput): Promise<Out<ReplicateKeyCommandOutput>>;
  encrypt(input: EncryptCommandInput): Promise<Out<EncryptCommandOutput>>;
  decrypt(input: DecryptCommandInput): Promise<Out<DecryptCommandOutput>>;
  generateMac(input: GenerateMacCommandInput): Promise<Out<GenerateMacCommandOutput>>;
  verifyMac(input: VerifyMacCommandInput): Promise<Out<VerifyMacCommandOutput>>;
  sign(input: SignCommandInput): Promise<Out<SignCommandOutput>>;
  verify(input: VerifyCommandInput): Promise<Out<VerifyCommandOutput>>;
  getPublicKey(keyId: string): Promise<Out<GetPublicKeyCommandOutput>>;
  close(): void;
}

/** ImportKeyMaterial's answer, and whether the gateway had to resend after an unknown outcome. */
export type ImportResult = Out<ImportKeyMaterialCommandOutput> & { resent: boolean };

/** Fixed credentials for the local emulator, which accepts any signature. */
export const EMULATOR_CREDENTIALS: { accessKeyId: string; secretAccessKey: string } = {
  accessKeyId: 'AKIAKEYRITEEMULATOR0',
  secretAccessKey: 'keyrite-emulator-accepts-any-signature',
};

export function isLoopbackEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    const host = new URL(endpoint).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

function strip<T extends { $metadata?: unknown }>(out: T): Out<T> {
  const { $metadata: _m, ...rest } = out;
  return rest as Out<T>;
}

export function createKmsGateway(opts: KmsGatewayOptions): KmsGateway {
  if (!opts.region)
    throw new KeyriteError(
      'KMS_NO_REGION',
      'no AWS region was given',
      'choose the region of the target KMS key, e.g. us-east-1',
    );
  const endpoint = opts.endpoint;
  // Never sign emulator traffic with real credentials: a local process has no business seeing them.
  const credentials =
    opts.credentials ?? (isLoopbackEndpoint(endpoint) && !opts.profile ? EMULATOR_CREDENTIALS : undefined);
  const base = {
    region: opts.region,
    retryMode: 'standard' as const,
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
    },
    ...(endpoint ? { endpoint } : {}),
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(credentials ? { credentials } : {}),
  };
  const kms = new KMSClient(base);
  // Imports, CreateKey and rotations go through a client without SDK retries (running them twice is
  // not harmless): the gateway decides when to resend.
  const importClient = new KMSClient({ ...base, maxAttempts: 1 });
  const sts = new STSClient(base);
  const guard = opts.importGuard ?? new ImportGuard();

  async function call<T extends { $metadata?: unknown }>(
    operation: string,
    run: () => Promise<T>,
  ): Promise<Out<T>> {
    try {
      return strip(await run());
    } catch (e) {
      throw toKeyriteError(e, operation, endpoint);
    }
  }

  return {
    region: opts.region,
    endpoint,
    inRegion: (region) => createKmsGateway({ ...opts, region, importGuard: new ImportGuard() }),
    async callerIdentity() {
      const r = await call('GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      if (!r.Account || !r.Arn || !r.UserId) {
        throw new KeyriteError(
          'KMS_IDENTITY_INCOMPLETE',
          'STS returned an incomplete caller identity',
          'retry; if it persists, check the endpoint',
        );
      }
      return { account: r.Account, arn: r.Arn, userId: r.UserId };
    },
    // Sent once, never retried blindly: see createKeyOnce.
    createKey: (input, opts = {}) =>
      call('CreateKey', () =>
        createKeyOnce(
          input,
          (i) => importClient.send(new CreateKeyCommand(i)),
          (key, value, limit) => pendingKeysTagged(kms, key, value, limit),
          opts,
        ),
      ),
    describeKey: (keyId) => call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyId }))),
    listAliases: (input = {}) => call('ListAliases', () => kms.send(new ListAliasesCommand(input))),
    createAlias: async (input) => {
      await call('CreateAlias', async () => {
        await createAliasOnce(
          input,
          (i) => importClient.send(new CreateAliasCommand(i)),
          async (alias) => (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata,
        );
        return {};
      });
    },
    tagResource: async (input) =>
      void (await call('TagResource', () => kms.send(new TagResourceCommand(input)))),
    getKeyPolicy: (keyId) =>
      call('GetKeyPolicy', () => kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))),
    putKeyPolicy: async (input) =>
      void (await call('PutKeyPolicy', () =>
        kms.send(new PutKeyPolicyCommand({ PolicyName: 'default', ...input })),
      )),
    getParametersForImport: (input) =>
      call('GetParametersForImport', () => kms.send(new GetParametersForImportCommand(input))),
    async importKeyMaterial(input) {
      if (!input.KeyId || !input.ImportToken || !input.EncryptedKeyMaterial) {
        throw new KeyriteError(
          'KMS_IMPORT_INCOMPLETE',
          'an import needs the key id, the import token and the wrapped material',
          'pass all three',
        );
      }
      guard.admit(input.KeyId, input.ImportToken, input.EncryptedKeyMaterial);
      const keyId = input.KeyId;
      try {
        const once = () => importClient.send(new ImportKeyMaterialCommand(input));
        return { ...strip(await resendIfThrottled(once)), resent: false };
      } catch (first) {
        if (!outcomeUnknown(first)) throw toKeyriteError(first, 'ImportKeyMaterial', endpoint);
      }
      // The first attempt may have landed. Look before resending: a key that is going away is not
      // retried into. Resending the identical bytes is safe (ImportGuard rule 2): KMS either imports
      // them now or confirms that the same material is already there.
      const before = await call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
      if (before.KeyMetadata?.KeyState === 'PendingDeletion') {
        throw new KeyriteError(
          'KMS_IMPORT_KEY_PENDING_DELETION',
          'the import timed out and the KMS key is now pending deletion',
          'cancel the key deletion first if this key is still wanted, then retry the import',
        );
      }
      const result = await call('ImportKeyMaterial', () =>
        resendImport(
          input,
          (i) => resendIfThrottled(() => importClient.send(new ImportKeyMaterialCommand(i))),
          async () =>
            (
              await kms.send(
                new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }),
              )
            ).Rotations ?? [],
        ),
      );
      // A reimport of the key's current material (no type, no id): the current material must be ours.
      // With a KeyMaterialId, KMS itself checked the bytes against that material.
      if (input.ImportType === undefined && input.KeyMaterialId === undefined && result.KeyMaterialId) {
        const after = await call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
        const current = after.KeyMetadata?.CurrentKeyMaterialId;
        if (current !== undefined && current !== result.KeyMaterialId) {
          throw new KeyriteError(
            'KMS_IMPORT_MATERIAL_MISMATCH',
            'after a retried import, the key material in use is not the material this import sent',
            'stop and inspect the key (DescribeKey, ListKeyRotations) before any further step',
          );
        }
      }
      return { ...result, resent: true };
    },
    deleteImportedKeyMaterial: (input) =>
      call('DeleteImportedKeyMaterial', () => kms.send(new DeleteImportedKeyMaterialCommand(input))),
    scheduleKeyDeletion: (input) =>
      call('ScheduleKeyDeletion', () => kms.send(new ScheduleKeyDeletionCommand(input))),
    // Not retried by the SDK: a rotation whose answer was lost is checked with ListKeyRotations.
    rotateKeyOnDemand: (keyId) =>
      call('RotateKeyOnDemand', () => importClient.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))),
    listKeyRotations: (input) => call('ListKeyRotations', () => kms.send(new ListKeyRotationsCommand(input))),
    replicateKey: (input) => call('ReplicateKey', () => kms.send(new ReplicateKeyCommand(input))),
    encrypt: (input) => call('Encrypt', () => kms.send(new EncryptCommand(input))),
    decrypt: (input) => call('Decrypt', () => kms.send(new DecryptCommand(input))),
    generateMac: (input) => call('GenerateMac', () => kms.send(new GenerateMacCommand(input))),
    verifyMac: (input) => call('VerifyMac', () => kms.send(new VerifyMacCommand(input))),
    sign: (input) => call('Sign', () => kms.send(new SignCommand(input))),
    verify: (input) => call('Verify', () => kms.send(new VerifyCommand(input))),
    getPublicKey: (keyId) => call('GetPublicKey', () => kms.send(new GetPublicKeyCommand({ KeyId: keyId }))),
    close() {
      kms.destroy();
      importClient.destroy();
      sts.destroy();
    },
  };
}
