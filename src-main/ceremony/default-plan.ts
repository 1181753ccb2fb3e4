/**
 * The plan `keyrite rehearse` runs when given none: a symmetric key with backup shares, three
 * custodians with a quorum of two, one witness — the shape of most real BYOK ceremonies.
 * (The same plan ships as test/fixtures/plans/rehearsal-symmetric.yaml.) The account is the one AWS's
 * documentation uses in examples; whoever rehearses starts an emulator for the plan's account and region.
 */
export function defaultRehearsalPlan(alias = 'alias/keyrite-rehearsal'): Record<string, unknown> {
  return {
    version: 1,
    name: 'Rehearsal: symmetric BYOK key with 2-of-3 custodians',
    target: {
      provider: 'aws',
      region: 'us-east-1',
      accountId: '111122223333',
      key: {
        create: {
          alias,
          description: 'Keyrite rehearsal key',
          tags: { purpose: 'rehearsal' },
          keySpec: 'SYMMETRIC_DEFAULT',
        },
      },
    },
    wrapping: { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_2048' },
    expiration: { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    material: { mode: 'csprng' },
    backup: { shares: true },
    participants: {
      administrator: { id: 'admin', name: 'Rehearsal Administrator' },
      custodians: [
        { id: 'custodian-1', name: 'Rehearsal Custodian 1' },
        { id: 'custodian-2', name: 'Rehearsal Custodian 2' },
        { id: 'custodian-3', name: 'Rehearsal Custodian 3' },
      ],
      witnesses: [{ id: 'witness-1', name: 'Rehearsal Witness' }],
      auditor: { id: 'auditor', name: 'Rehearsal Auditor' },
    },
    quorum: { m: 2 },
    guardedSteps: ['generate-material', 'backup-shares', 'import'],
  };
}
