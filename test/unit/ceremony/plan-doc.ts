/** A plan document every unit test starts from and bends one field at a time. */
export function basePlanDoc(): Record<string, unknown> {
  return {
    version: 1,
    name: 'unit test plan',
    target: {
      provider: 'aws',
      region: 'eu-west-1',
      accountId: '111122223333',
      key: { create: { alias: 'alias/unit-test', description: 'unit', keySpec: 'SYMMETRIC_DEFAULT' } },
    },
    wrapping: { algorithm: 'RSAES_OAEP_SHA_256', keySpec: 'RSA_2048' },
    expiration: { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' },
    material: { mode: 'csprng' },
    backup: { shares: true },
    participants: {
      administrator: { id: 'admin', name: 'Ada Admin' },
      custodians: [
        { id: 'c1', name: 'Cus One' },
        { id: 'c2', name: 'Cus Two' },
        { id: 'c3', name: 'Cus Three' },
      ],
      witnesses: [{ id: 'w1', name: 'Wit One' }],
    },
    quorum: { m: 2 },
  };
}
