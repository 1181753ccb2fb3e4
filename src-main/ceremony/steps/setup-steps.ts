import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { defaultKeyUsage } from '../../../src-shared/ceremony/key-usage.js';
import type { FactsOf } from '../../../src-shared/ceremony/steps.js';
import { parseWrappingPublicKey } from '../../../src-shared/wrap/index.js';
import { toPgpWords } from '../../../src-shared/words/pgp-words.js';
import { sha256Of } from '../../media/atomic-file.js';
import type { Runtime } from '../runtime.js';

export function words(hex: string): string {
  return toPgpWords(hex).join(' ');
}

export async function runEnroll(rt: Runtime): Promise<FactsOf<'enroll'>> {
  return { note: `${rt.enrollments.size} custodian(s) enrolled` };
}

/** Identity, region and key state, before anything changes in the account. */
export async function runPreflight(rt: Runtime): Promise<FactsOf<'preflight'>> {
  const who = await rt.kms.callerIdentity();
  if (who.account !== rt.plan.target.accountId)
    throw new KeyriteError(
      'PREFLIGHT_WRONG_ACCOUNT',
      `the credentials are for account ${who.account}, the plan targets ${rt.plan.target.accountId}`,
      'switch to a profile for the planned account (AWS_PROFILE) and reopen the ceremony',
    );
  rt.journal.append('kms.identity', {
    account: who.account,
    callerArn: who.arn,
    region: rt.plan.target.region,
  });
  assertMaterialSourceReady(rt);
  if ('existing' in rt.plan.target.key) {
    const k = await rt.kms.describeKey(rt.plan.target.key.existing.keyId);
    if (k.origin !== 'EXTERNAL')
      throw new KeyriteError(
        'PREFLIGHT_NOT_EXTERNAL',
        `key ${k.arn} has origin ${k.origin}, not EXTERNAL`,
        'import needs a key created with origin EXTERNAL',
      );
    if (k.keySpec !== rt.spec)
      throw new KeyriteError(
        'PREFLIGHT_KEY_SPEC',
        `key ${k.arn} is ${k.keySpec}, the plan says ${rt.spec}`,
        'fix the plan or choose the right key',
      );
    if (k.keyState !== 'PendingImport')
      throw new KeyriteError(
        'PREFLIGHT_KEY_STATE',
        `key ${k.arn} is ${k.keyState}; this ceremony imports only into a key pending import`,
        'use a new key, or delete the imported material first if you mean to replace it',
      );
    return {
      region: rt.plan.target.region,
      keyArn: k.arn,
      keyId: k.keyId,
      keySpec: rt.spec,
      keyUsage: k.keyUsage ?? '',
      note: `account ${who.account}`,
    };
  }
  const alias = rt.plan.target.key.create.alias;
  if (alias !== undefined) {
    const holder = await aliasTarget(rt, alias);
    if (holder && holder !== createdKey(rt)?.keyArn)
      throw new KeyriteError(
        'PREFLIGHT_ALIAS_EXISTS',
        `alias ${alias} already names key ${holder}`,
        'choose another alias in the plan (the plan will be reviewed again)',
      );
  }
  return { region: rt.plan.target.region, keySpec: rt.spec, note: `account ${who.account}` };
}

/** Existing material must be reachable before a key is created for it. */
function assertMaterialSourceReady(rt: Runtime): void {
  const m = rt.plan.material;
  if (m.mode === 'existing-file') {
    const file = path.resolve(rt.planBase, m.file);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new KeyriteError(
        'PREFLIGHT_MATERIAL_FILE',
        `the key material file ${file} does not exist`,
        'attach the medium that holds it, or fix the path in the plan',
      );
  }
  if (m.mode === 'existing-shares') {
    const dir = path.resolve(rt.planBase, m.sharesDir);
    const n = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.share.json')).length : 0;
    if (n < rt.plan.quorum.m)
      throw new KeyriteError(
        'PREFLIGHT_SHARES',
        `${dir} holds ${n} share file(s); the quorum needs ${rt.plan.quorum.m}`,
        'bring the custodians’ share media',
      );
  }
}

/** The key an alias names, or null when the alias does not exist. */
async function aliasTarget(rt: Runtime, alias: string): Promise<string | null> {
  try {
    return (await rt.kms.describeKey(alias)).arn;
  } catch (e) {
    if (e instanceof KeyriteError && e.code === 'KMS_NOT_FOUND') return null;
    throw e;
  }
}

/** The key an earlier, interrupted run of create-key made, if the log shows it. */
function createdKey(rt: Runtime): { keyArn: string; keyId: string } | null {
  let created: { keyArn: string; keyId: string } | null = null;
  for (const { payload: p } of rt.journal.records('outcome'))
    if (p.action === 'kms.create-key' && p.ok && 'keyArn' in p.details) created = p.details;
  return created;
}

export async function runCreateKey(rt: Runtime): Promise<FactsOf<'create-key'>> {
  if (!('create' in rt.plan.target.key)) throw new Error('create-key step on a plan without a key to create');
  const c = rt.plan.target.key.create;
  const keyUsage = c.keyUsage ?? defaultKeyUsage(rt.spec);
  const tags = { ...c.tags, 'keyrite:ceremony': rt.ceremonyId };
  // A rerun after an interruption reuses the key the first run created, if it is still untouched.
  const earlier = createdKey(rt);
  const reusable = earlier ? await rt.kms.describeKey(earlier.keyId) : null;
  const key =
    reusable && reusable.keyState === 'PendingImport'
      ? reusable
      : await rt.journal.effect(
          'kms.create-key',
          `CreateKey ${rt.spec} origin EXTERNAL`,
          { keySpec: rt.spec, keyUsage, tagCeremony: rt.ceremonyId },
          () => rt.kms.createKey({ keySpec: rt.spec, keyUsage, description: c.description, tags }),
          (k) => ({ keyArn: k.arn, keyId: k.keyId }),
        );
  if (reusable === key)
    rt.journal.append('kms.key-reused', {
      keyArn: key.arn,
      note: 'created by the interrupted run of this step',
    });
  if (c.alias !== undefined && (await aliasTarget(rt, c.alias)) !== key.arn) {
    const alias = c.alias;
    await rt.journal.effect(
      'kms.create-alias',
      `CreateAlias ${alias}`,
      { alias, keyArn: key.arn },
      () => rt.kms.createAlias(alias, key.keyId),
      () => ({}),
    );
  }
  return { keyArn: key.arn, keyId: key.keyId, keySpec: rt.spec, keyUsage, note: `key state ${key.keyState}` };
}

export async function runImportParameters(rt: Runtime): Promise<FactsOf<'import-parameters'>> {
  const keyId = rt.facts().keyId;
  if (!keyId) throw new Error('no key id before import-parameters');
  const { algorithm, keySpec } = rt.plan.wrapping;
  const p = await rt.journal.effect(
    'kms.get-parameters-for-import',
    `GetParametersForImport ${algorithm} ${keySpec}`,
    { keyId, algorithm, wrappingKeySpec: keySpec },
    () => rt.kms.getParametersForImport(keyId, algorithm, keySpec),
    (r) => ({ importTokenDigest: sha256Of(r.importToken), validTo: r.validTo.toISOString() }),
  );
  const wk = parseWrappingPublicKey(p.publicKey);
  if (wk.spec !== keySpec)
    throw new KeyriteError(
      'PARAMS_WRONG_SPEC',
      `KMS returned a ${wk.spec} wrapping key, the plan asked for ${keySpec}`,
      'fetch the import parameters again',
    );
  const importTokenDigest = await rt.journal.writeFile(
    rt.paths.importToken,
    'import/ImportToken.bin',
    p.importToken,
  );
  await rt.journal.writeFile(rt.paths.wrappingKey, 'import/WrappingPublicKey.der', wk.spkiDer);
  // The algorithm is bound to these parameters from here on: the wrap step uses the recorded one.
  rt.journal.append('params.fetched', {
    keyArn: p.keyArn,
    algorithm,
    wrappingKeySpec: keySpec,
    wrappingKeyFingerprint: wk.fingerprintSha256,
    importTokenDigest,
    validTo: p.validTo.toISOString(),
  });
  return {
    algorithm,
    wrappingKeyFingerprint: wk.fingerprintSha256,
    wrappingKeyFingerprintWords: words(wk.fingerprintSha256),
    validTo: p.validTo.toISOString(),
    importTokenDigest,
  };
}
