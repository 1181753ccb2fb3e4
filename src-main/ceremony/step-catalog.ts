import type { StepId } from '../../src-shared/ceremony/state-machine.js';

/** How each step is named and explained to people (UI, terminal, report). */
export const STEP_TEXT: Record<StepId, { title: string; description: string }> = {
  enroll: {
    title: 'Enroll custodians',
    description: 'Each custodian chooses a passphrase; Keyrite seals their signing key with it.',
  },
  preflight: {
    title: 'Pre-flight checks',
    description: 'Caller identity, account, region and key state, before anything changes.',
  },
  'create-key': {
    title: 'Create the KMS key',
    description: 'CreateKey with origin EXTERNAL, tagged with this ceremony, and its alias.',
  },
  'import-parameters': {
    title: 'Fetch import parameters',
    description: 'Wrapping public key and import token, bound to the planned algorithm.',
  },
  'generate-material': {
    title: 'Generate key material',
    description: 'Material is produced in memory under custodian quorum; its KCV is shown.',
  },
  'backup-shares': {
    title: 'Write backup shares',
    description: 'Shamir M-of-N shares, each sealed to one custodian, one file each.',
  },
  'verify-shares': {
    title: 'Verify backup shares',
    description: 'Each custodian opens their share and checks it against its commitment.',
  },
  wrap: {
    title: 'Wrap the material',
    description: 'Encrypt the material under the wrapping key; the plaintext is then zeroed.',
  },
  import: {
    title: 'Import into KMS',
    description: 'ImportKeyMaterial with the wrapped blob and token, under custodian quorum.',
  },
  verify: {
    title: 'Verify the import',
    description: 'DescribeKey and a functional check that KMS holds the generated material.',
  },
  grant: {
    title: 'Grant another account',
    description: 'Add a key policy statement for the account named in the plan.',
  },
  handover: {
    title: 'Hand-over sheet',
    description: 'Key ARN, region and check value for the people who will use the key.',
  },
  close: {
    title: 'Zeroize and close',
    description: 'Witness sign-off, secrets zeroed, final signed checkpoint and report.',
  },
};
