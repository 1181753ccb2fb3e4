// The offline station of a split ceremony holds key material and never a cloud credential: nothing it
// loads may construct a KMS client. Its composition (the files below) may therefore not import the
// KMS client, the gateway, a provider port, the emulator or any AWS SDK package. The online station
// loads its KMS client lazily, from the command line's front end (kmsFor in cli/ceremony-run.ts), which
// is outside this list. The runtime proof is test/integration/airgap/station-cli.test.ts (a module
// probe under `unshare -n`); this rule stops such an import before it is ever run.

/** The modules the offline station runs: the engine, its audit log, media, secrets, the split half. */
export const OFFLINE_FILES = [
  'src-main/airgap/**',
  'src-main/ceremony/**',
  'src-main/audit/**',
  'src-main/media/**',
  'src-main/secrets/**',
  'src-main/sqlite/**',
  'src-main/kms/kms-port.ts',
  'src-main/kms/offline-kms-port.ts',
  'src-main/kms/kms-errors.ts',
  'src-main/kms/kms-errors-rotation.ts',
  'src-main/kms/import-guard.ts',
  'src-main/cli/ceremony-station.ts',
  'src-main/cli/io.ts',
];

export const OFFLINE_FORBIDDEN = {
  group: [
    '@aws-sdk/*',
    '@smithy/*',
    '**/kms/kms-gateway*',
    '**/kms/aws-kms-port*',
    '**/kms/kms-for-plan*',
    '**/kms/send-once*',
    '**/kms/import-resend*',
    '**/kms/huawei/**',
    '**/emulator/**',
    './kms-gateway*',
    './aws-kms-port*',
    './kms-for-plan*',
    './send-once*',
    './import-resend*',
    './huawei/**',
  ],
  allowTypeImports: true,
  message:
    'The offline station never loads a KMS client: its composition may not import the KMS gateway, a provider port, the emulator or an AWS SDK package (load it lazily from the online front end instead).',
};

/** `basePatterns`: what every src-main file is already refused (a later config replaces a rule's options). */
export function offlineStationConfig(basePatterns) {
  return {
    files: OFFLINE_FILES,
    rules: { 'no-restricted-imports': ['error', { patterns: [...basePatterns, OFFLINE_FORBIDDEN] }] },
  };
}
