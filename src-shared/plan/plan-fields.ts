/**
 * What each field of a ceremony plan means, for people: keyed by the field's path as the JSON Schema
 * walk names it (`[]` for array items). Structure, types, allowed values and defaults come from the
 * zod schema itself; a test fails when a field has no entry here or an entry names no field, so the
 * docs and the schema cannot drift apart when the plan grows.
 */
export const PLAN_FIELD_DOCS: Readonly<Record<string, string>> = {
  version: 'Plan format version. Always 1.',
  name: 'A human title for the ceremony; shown on every screen, in the log and on the report.',
  target: 'Where the key lives.',
  'target.provider':
    'The cloud KMS: `aws` (AWS KMS) or `huawei` (Huawei Cloud KMS: AES_256 keys, RSA_2048 wrapping keys, no key policies, so no `grant`).',
  'target.region':
    'Region of the KMS key: an AWS Region such as eu-west-1, or a Huawei Cloud region such as ap-southeast-1.',
  'target.projectId':
    'Huawei: the project (32 hex digits, My Credentials › API Credentials) that owns the key; credentials carrying another project id are refused.',
  'target.accountId':
    'The 12-digit AWS account that owns the key; the identity pre-flight refuses to run under another account.',
  'target.replicaRegions':
    'AWS only: makes this a multi-Region ceremony. The key is created as a multi-Region primary in `target.region` and replicated (ReplicateKey) into each region listed; import parameters are fetched in every region, the material is wrapped once per region under that region’s wrapping key, and one quorum confirmation (listing every region, ARN, wrapping key and wrapped blob) imports it everywhere: NEW_KEY_MATERIAL on the primary, EXISTING_KEY_MATERIAL with the primary’s KeyMaterialId on each replica, so KMS itself proves each replica holds the same material. Verify decrypts in each region a ciphertext made in another. With `rotate`, the plan rotates an existing multi-Region key instead: `target.key.existing` names the primary and `replicaRegions` must list exactly its replicas’ regions (pre-flight checks each is Enabled with the primary’s material); the new material is imported NEW_KEY_MATERIAL on the primary and EXISTING_KEY_MATERIAL on each replica, then RotateKeyOnDemand runs on the primary (AWS rotates a multi-Region key only there, and only once every replica holds the new material). Refused before enrollment: the primary’s own region, a region listed twice, a region in another AWS partition (cn-…, us-gov-…), an existing key without `rotate`, a key spec other than SYMMETRIC_DEFAULT, a multi-Region plan over an endpoint override other than the Keyrite emulator, and (in this version) `grant` and `stations: split`.',
  'target.replicaRegions[]': 'One replica region, e.g. eu-west-1.',
  'target.key':
    'Exactly one of `create` (the ceremony creates a new key) or `existing` (material goes into a key you created with origin EXTERNAL).',
  'target.key.create': 'Create a new KMS key with origin EXTERNAL.',
  'target.key.create.alias':
    'Alias for the new key. AWS: `alias/…`, letters, digits, `/ _ -`, not `alias/aws/…`. Huawei (required): 1–255 letters, digits, `: / _ -`. The pre-flight refuses an alias that already exists.',
  'target.key.create.description': 'KMS key description (Huawei: at most 255 characters).',
  'target.key.create.tags':
    'KMS tags as `key: value`. Keyrite adds `keyrite:ceremony` (Huawei: `keyrite-ceremony`) with the ceremony id, so an orphaned key can be found. Huawei tag keys are 1–36 and values 0–43 letters, digits, `_ . -`.',
  'target.key.create.keySpec':
    'KMS key spec; decides the material Keyrite generates or expects. Huawei: AES_256 (256-bit symmetric material) only.',
  'target.key.create.keyUsage':
    'KMS key usage. Default: ENCRYPT_DECRYPT for symmetric and RSA, GENERATE_VERIFY_MAC for HMAC, SIGN_VERIFY for ECC; must be one the key spec allows.',
  'target.key.existing':
    'Import into a key that already exists (origin EXTERNAL, e.g. to reimport after expiry).',
  'target.key.existing.keyId':
    'The existing key. AWS: key id, key ARN, alias (`alias/NAME`) or alias ARN; an ARN must name target.region and target.accountId. Huawei: the key id (a UUID).',
  'target.key.existing.keyMaterialId':
    'AWS SYMMETRIC_DEFAULT keys: the KeyMaterialId of the material to reimport (ImportType EXISTING_KEY_MATERIAL; KMS refuses other bytes). Optional: Keyrite finds the material imported by the ceremony whose shares `material.sharesDir` holds, or the only missing one.',
  'target.key.existing.keySpec': 'The existing key’s key spec (checked against KMS at the pre-flight).',
  wrapping: 'How the material is wrapped for import; the import parameters are fetched for exactly this.',
  'wrapping.algorithm':
    'AWS wrapping algorithm. RSAES_OAEP_SHA_256 for symmetric, HMAC and ECC; RSA_AES_KEY_WRAP_SHA_256 for RSA private keys (and ECC). RSAES_PKCS1_V1_5 is refused by AWS for new imports. Huawei: RSAES_OAEP_SHA_256, or RSAES_OAEP_SHA_1 / RSAES_PKCS1_V1_5 for HSMs without OAEP-SHA-256 (SM2_ENCRYPT is not offered).',
  'wrapping.keySpec': 'Size of the RSA wrapping key KMS hands out (Huawei: RSA_2048 only).',
  expiration: 'Whether the imported material expires in KMS.',
  'expiration.model': 'KEY_MATERIAL_DOES_NOT_EXPIRE, or KEY_MATERIAL_EXPIRES together with `validTo`.',
  'expiration.validTo':
    'When the material expires: ISO 8601 with a zone (e.g. 2027-06-01T00:00:00Z), in the future and at most 365 days ahead.',
  material: 'Where the key material comes from (`mode`).',
  'material.mode':
    '`csprng`: generated by the station; `split-knowledge`: each custodian types a component, combined by XOR (symmetric and HMAC only); `existing-file`: read from a file; `existing-shares`: rebuilt from a quorum of Keyrite backup shares.',
  'material.file':
    'With `existing-file`: the material file, relative to the plan file: raw bytes (symmetric exactly 32; HMAC from the hash length up to 64 bytes for HMAC_224/256, 128 for HMAC_384/512), or PKCS#8 DER for RSA/ECC.',
  'material.sharesDir':
    'With `existing-shares`: the folder holding the `*.share.json` files, relative to the plan file.',
  backup: 'Backup of the material.',
  'backup.shares':
    'Split the material into Shamir M-of-N shares, one sealed to each custodian (needs M ≥ 2). Needed to reimport after expiry or deletion.',
  participants: 'The people in the room. Each id appears once across all roles.',
  'participants.administrator': 'Runs the station and confirms the plan digest.',
  'participants.administrator.id': 'Short id: lowercase letters, digits, `. _ -`, at most 40.',
  'participants.administrator.name': 'Name as shown and printed.',
  'participants.custodians':
    'Custodians: each enrolls a passphrase-sealed key and confirms guarded steps (1 to 16).',
  'participants.custodians[]': 'One custodian.',
  'participants.custodians[].id': 'Short id: lowercase letters, digits, `. _ -`, at most 40.',
  'participants.custodians[].name': 'Name as shown and printed; distinct among custodians.',
  'participants.witnesses': 'Witnesses: see every step and may record exceptions (0 to 16).',
  'participants.witnesses[]': 'One witness.',
  'participants.witnesses[].id': 'Short id: lowercase letters, digits, `. _ -`, at most 40.',
  'participants.witnesses[].name': 'Name as shown and printed.',
  'participants.auditor': 'Who receives the log and the report.',
  'participants.auditor.id': 'Short id: lowercase letters, digits, `. _ -`, at most 40.',
  'participants.auditor.name': 'Name as shown and printed.',
  quorum: 'How many custodians must confirm each guarded step.',
  'quorum.m': 'M of the N custodians (1 ≤ M ≤ N).',
  guardedSteps: 'Steps that need M custodian confirmations before they run.',
  'guardedSteps[]': 'A step that can be guarded.',
  passphraseAttempts:
    'The most wrong passphrases one custodian may type at one step (confirming it, verifying or opening a share); then that custodian is refused at that step. Absent: no cap. Every wrong passphrase is an audit record, and each one doubles the wait before the next try (1 s, 2 s, 4 s … at most 5 min).',
  grant:
    'After the import, let another AWS account use the key (key policy statement). AWS only: Huawei keys have no key policy.',
  'grant.accountId': 'The other 12-digit AWS account (not the key’s own).',
  'grant.actions':
    'KMS actions granted. Default: what the key usage needs — signing: kms:Sign, kms:Verify, kms:GetPublicKey, kms:DescribeKey; MAC: kms:GenerateMac, kms:VerifyMac, kms:DescribeKey; encryption: kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:DescribeKey and kms:GenerateDataKey* (symmetric) or kms:GetPublicKey (RSA).',
  'grant.actions[]': 'One KMS action (`kms:Name`).',
  rotate:
    'Makes this a rotation ceremony: new material for an existing AWS SYMMETRIC_DEFAULT key with imported material is imported as NEW_KEY_MATERIAL (pending rotation), verified, then made current by RotateKeyOnDemand; earlier ciphertexts still decrypt. When `guardedSteps` is absent, `rotate` is guarded too. With `stations: split` the online station runs pre-flight (the current material recorded) and fetches the import parameters, the offline station makes the material, its backup shares and the wrap, and the online station then imports, verifies and rotates under the quorum the custodians confirm with the keys they enrolled offline (a multi-Region rotation cannot be split in this version).',
  'rotate.keyMaterialDescription':
    'Words for the new material’s KMS KeyMaterialDescription (letters, digits, spaces, `: / _ . -`, at most 200). Keyrite always starts it with `keyrite <ceremony id> quorum M of N`, which a reimport from this ceremony’s backup shares looks for.',
  outputs:
    'The same material wrapped, at the wrap step, for clouds Keyrite has no gateway for: Google Cloud KMS import jobs and Azure Key Vault BYOK. Each file is written to `outputs/` in the ceremony directory, recorded in the log (file, size, SHA-256, wrapping key fingerprint, upload command — never the material) and listed on the hand-over sheet with its exact `gcloud` or `az` command. In a split (air-gapped) ceremony the offline station, which holds the material, writes them: into its own `outputs/` and, with the response bundle, into a new folder `keyrite-<ceremony>-outputs-<number>` beside it on the medium; the response carries their records (not the files), which the online station checks against the folder and shows on its hand-over sheet as logged on the offline station. When `guardedSteps` is absent, `wrap` is guarded too; when it is given, it must include `wrap`. Files are read at pre-flight: an expired or inactive import job, a KEK that is not import-only, or a key size that does not match the method is refused before anyone enrolls.',
  'outputs[]': 'One output: `cloud: gcp` or `cloud: azure` and that cloud’s fields.',
  'outputs[].cloud': '`gcp` (Google Cloud KMS) or `azure` (Azure Key Vault / Managed HSM).',
  'outputs[].importJob':
    'gcp: the import job as `gcloud kms import-jobs describe JOB --location L --keyring R` prints it (YAML, or `--format=json`), or its wrapping key PEM. Relative to the plan. Import jobs last 3 days.',
  'outputs[].importMethod':
    'gcp: the import method (`rsa-oaep-3072-sha256-aes-256`, …); only needed when `importJob` is a bare PEM. `rsa-oaep-3072-sha256` and `rsa-oaep-4096-sha256` wrap symmetric keys only.',
  'outputs[].importJobName':
    'gcp: `projects/P/locations/L/keyRings/R/importJobs/J`; only needed when `importJob` is a bare PEM.',
  'outputs[].algorithm':
    'gcp: the Cloud KMS algorithm of the new key version (`google-symmetric-encryption`, `aes-256-gcm`, `hmac-sha256`, `rsa-sign-pss-2048-sha256`, `ec-sign-p256-sha256`, …); it must take the material this ceremony makes.',
  'outputs[].key': 'gcp: the crypto key, in the import job’s key ring, that receives the new version.',
  'outputs[].kek':
    'azure: the key exchange key as `az keyvault key show` prints it (JSON), a JWK, or its public key PEM (then give `kid`). Its key operations must be exactly `import`. Relative to the plan.',
  'outputs[].kid':
    'azure: the KEK’s key identifier (`https://NAME.vault.azure.net/keys/KEK/VERSION` or `.managedhsm.`); needed with a PEM. AES keys import only into a Managed HSM; Key Vault has no HMAC keys.',
  'outputs[].name': 'azure: the name of the new key in the KEK’s vault or Managed HSM.',
  stations:
    '`single` (default): one station runs every step. `split`: air-gapped — an online station (credentials, KMS) and an offline station (no network) joined by signed bundles on removable media.',
};
