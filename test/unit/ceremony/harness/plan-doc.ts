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

export type PlanDoc = Record<string, unknown>;

/** Sets a dotted path in a plan document (tests bend one field at a time). */
export function setIn(doc: PlanDoc, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  const last = keys.pop() as string;
  let at = doc;
  for (const k of keys) at = at[k] as PlanDoc;
  if (value === undefined) delete at[last];
  else at[last] = value;
}

export function getIn(doc: PlanDoc, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((at, k) => (at as PlanDoc)[k], doc);
}
