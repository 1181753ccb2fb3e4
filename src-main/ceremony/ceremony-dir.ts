import path from 'node:path';

/** Where a ceremony keeps its files: one directory, laid out the same for rehearsals and real runs. */
export function ceremonyPaths(dir: string) {
  return {
    dir,
    auditDb: path.join(dir, 'audit.db'),
    planJson: path.join(dir, 'plan.json'),
    /** Station-local facts that are not for the log (paths can look like encoded bytes to its guard). */
    meta: path.join(dir, 'ceremony.json'),
    report: path.join(dir, 'report.html'),
    handover: path.join(dir, 'handover.txt'),
    /** Rotation: a ciphertext made under the prior material, which must still decrypt after rotating. */
    canary: path.join(dir, 'rotation-canary.json'),
    custodian: (id: string) => path.join(dir, 'custodians', `${id}.json`),
    /** A witness's Ed25519 key, sealed under their passphrase (src-main/secrets/witness-keys.ts). */
    witness: (id: string) => path.join(dir, 'witnesses', `${id}.json`),
    sharesDir: path.join(dir, 'shares'),
    share: (id: string) => path.join(dir, 'shares', `${id}.share.json`),
    importDir: path.join(dir, 'import'),
    wrappingKey: path.join(dir, 'import', 'WrappingPublicKey.der'),
    importToken: path.join(dir, 'import', 'ImportToken.bin'),
    wrapped: path.join(dir, 'import', 'EncryptedKeyMaterial.bin'),
    /** Multi-Region: each replica's import files, in import/<region>/ under the same names. */
    replicaImport: (region: string) => ({
      rel: `import/${region}`,
      wrappingKey: path.join(dir, 'import', region, 'WrappingPublicKey.der'),
      importToken: path.join(dir, 'import', region, 'ImportToken.bin'),
      wrapped: path.join(dir, 'import', region, 'EncryptedKeyMaterial.bin'),
    }),
  };
}
export type CeremonyPaths = ReturnType<typeof ceremonyPaths>;
