import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { createKmsGateway, type KmsGateway } from '../../../src-main/kms/kms-gateway.js';
import { loadLog } from '../../../src-main/audit/load-log.js';
import { verifyLog } from '../../../src-shared/audit/verify-log.js';
import { parseReplicaKeys } from '../../../src-shared/ceremony/replica-keys.js';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import type { KeyriteError } from '../../../src-shared/errors.js';
import { kmsPortFromGateway } from '../../../src-main/kms/aws-kms-port.js';
import type { KmsPort } from '../../../src-main/kms/kms-port.js';
import { preflightBeforeEnrollment } from '../../../src-main/ceremony/steps/preflight.js';
import { fixturePlan, passphrasesFor, rehearse, setIn, tempDir, type PlanDoc } from './harness/ceremony.js';

/*
 * The multi-Region ceremony as people run it: the shipped plan rehearsed against the emulator, which
 * serves every region (the SigV4 scope names it). KMS is asked afterwards, region by region through
 * the SDK, what each key holds; ciphertexts are carried across regions by the test itself.
 */
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;
let emu: RunningEmulator;
const kms = new Map<string, KmsGateway>();
const tmp = tempDir('multi-region');
void before(async () => {
  emu = await startEmulator();
  for (const r of REGIONS) kms.set(r, createKmsGateway({ region: r, endpoint: emu.url }));
});
void after(async () => {
  for (const g of kms.values()) g.close();
  await emu.close();
  tmp.cleanup();
});
const inRegion = (r: string): KmsGateway => kms.get(r) ?? assert.fail(`no client for ${r}`);

function plan(alias: string): PlanDoc {
  const p = fixturePlan('multi-region-symmetric.yaml') as PlanDoc;
  setIn(p, 'target.key.create.alias', alias);
  return p;
}

void test('the shipped multi-Region plan: one material in three regions under one quorum; every region decrypts what another encrypted', async () => {
  const dir = path.join(tmp.dir, 'main');
  const r = await rehearse(dir, plan('alias/mr-main'), { endpoint: emu.url, passphrases: passphrasesFor(4) });
  assert.equal(r.keyState, 'Enabled');
  const keyId = (await inRegion('us-east-1').describeKey(r.keyArn)).KeyMetadata?.KeyId ?? '';
  assert.match(keyId, /^mrk-[0-9a-f]{32}$/);

  // KMS, region by region: the primary and both replicas Enabled, one CURRENT material, the same id.
  const ids = new Set<string>();
  for (const region of REGIONS) {
    const md = (await inRegion(region).describeKey(keyId)).KeyMetadata;
    assert.equal(md?.KeyState, 'Enabled', region);
    assert.equal(md?.Arn, `arn:aws:kms:${region}:111122223333:key/${keyId}`);
    assert.equal(
      md?.MultiRegionConfiguration?.MultiRegionKeyType,
      region === 'us-east-1' ? 'PRIMARY' : 'REPLICA',
    );
    const list =
      (await inRegion(region).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
        .Rotations ?? [];
    assert.deepEqual(
      list.map((m) => `${m.KeyMaterialState}/${m.ImportState}`),
      ['CURRENT/IMPORTED'],
      `${region}: exactly one material`,
    );
    ids.add(md?.CurrentKeyMaterialId ?? '');
  }
  assert.equal(ids.size, 1, 'the same KeyMaterialId in every region');
  const [materialId] = [...ids];
  // Any region decrypts what any other encrypted.
  for (const from of REGIONS)
    for (const to of REGIONS) {
      const secret = randomBytes(16);
      const ct = (await inRegion(from).encrypt({ KeyId: keyId, Plaintext: secret })).CiphertextBlob;
      const back = await inRegion(to).decrypt({ KeyId: keyId, CiphertextBlob: ct });
      assert.deepEqual(Buffer.from(back.Plaintext ?? []), secret, `${from} → ${to}`);
    }

  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const arns = REGIONS.map((region) => `arn:aws:kms:${region}:111122223333:key/${keyId}`);
  // One import per region: NEW on the primary, EXISTING (with the primary's id) on each replica.
  const imports = log.records.filter(
    (x) => x.type === 'intent' && x.payload['action'] === 'kms.import-key-material',
  );
  assert.deepEqual(
    imports.map((x) => {
      const d = x.payload['details'] as Record<string, unknown>;
      return `${String(d['keyArn'])} ${String(d['importType'])}`;
    }),
    [`${arns[0]} NEW_KEY_MATERIAL`, `${arns[1]} EXISTING_KEY_MATERIAL`, `${arns[2]} EXISTING_KEY_MATERIAL`],
  );
  // Each region's own import parameters, each blob wrapped under its own region's wrapping key.
  const wrapped = log.records.filter((x) => x.type === 'wrap.replica').map((x) => x.payload);
  assert.deepEqual(
    wrapped.map((p) => p['region']),
    ['eu-west-1', 'ap-southeast-2'],
  );
  // (The emulator shares one RSA key per size, as its docs say; each token binds key and region.)
  const fetched = log.records.filter((x) => x.type === 'params.replica-fetched').map((x) => x.payload);
  assert.deepEqual(
    fetched.map((p) => [p['region'], p['keyArn']]),
    [
      ['eu-west-1', arns[1]],
      ['ap-southeast-2', arns[2]],
    ],
  );
  for (const p of fetched)
    assert.equal(
      wrapped.find((w) => w['region'] === p['region'])?.['wrappingKeyFingerprint'],
      p['wrappingKeyFingerprint'],
    );
  const tokens = new Set([
    log.records.find((x) => x.type === 'params.fetched')?.payload['importTokenDigest'],
    ...fetched.map((p) => p['importTokenDigest']),
  ]);
  assert.equal(tokens.size, 3, 'one import token per region');

  // One quorum for all three imports, and what the custodians confirmed names every replica.
  const met = log.records.filter((x) => x.type === 'step.quorum-met' && x.payload['stepId'] === 'import');
  assert.equal(met.length, 1);
  assert.equal((met[0]?.payload['custodians'] as unknown[]).length, 2);
  const challenge = log.records.find((x) => x.type === 'step.challenge' && x.payload['stepId'] === 'import');
  const facts = challenge?.payload['facts'] as Record<string, string>;
  assert.equal(facts['keyArn'], arns[0]);
  const confirmed = parseReplicaKeys(facts['replicaKeys']);
  assert.deepEqual(
    confirmed.map((k) => [k.region, k.arn]),
    [
      ['eu-west-1', arns[1]],
      ['ap-southeast-2', arns[2]],
    ],
  );
  for (const k of confirmed) {
    const w = wrapped.find((p) => p['region'] === k.region);
    assert.equal(k.wrappingKeyFingerprint, w?.['wrappingKeyFingerprint']);
    assert.equal(k.wrappedKeyDigest, w?.['wrappedKeyDigest']);
  }
  // Verify checked each replica by crossing regions both ways.
  const verified = log.records.filter((x) => x.type === 'kms.verified');
  assert.deepEqual(verified.map((x) => x.payload['keyArn']).sort(), [...arns].sort());
  for (const v of verified) assert.equal(v.payload['keyMaterialId'], materialId);

  // Hand-over sheet and report: every ARN.
  const sheet = readFileSync(path.join(dir, 'handover.txt'), 'utf8');
  assert.ok(sheet.includes('replicas (2; the same key id and material in each region):'), sheet);
  for (const [i, region] of REGIONS.entries())
    if (i > 0) assert.ok(sheet.includes(`  ${region.padEnd(15)}${arns[i]} (Enabled)`), sheet);
  const report = readFileSync(path.join(dir, 'report.html'), 'utf8');
  for (const arn of arns) assert.ok(report.includes(arn), `report names ${arn}`);
  assert.ok(report.includes(`<tr><th>Replica in eu-west-1</th><td><code>${arns[1]}</code></td></tr>`));
  assert.ok(report.includes('Replicas'), 'the audit summary lists the replicas');
});

/** A rotation plan for the multi-Region key the first test made (`alias/mr-main`). */
function rotationPlan(change: (p: PlanDoc) => void = () => {}): PlanDoc {
  const p = fixturePlan('rotate-symmetric.yaml') as PlanDoc;
  setIn(p, 'target.key.existing.keyId', 'alias/mr-main');
  setIn(p, 'target.replicaRegions', ['eu-west-1', 'ap-southeast-2']);
  change(p);
  return p;
}

void test('rotating the multi-Region key: NEW material on the primary, EXISTING on each replica, RotateKeyOnDemand on the primary; every region rotates and reads what was encrypted before', async () => {
  const keyId = (await inRegion('us-east-1').describeKey('alias/mr-main')).KeyMetadata?.KeyId ?? '';
  const priorId = (await inRegion('eu-west-1').describeKey(keyId)).KeyMetadata?.CurrentKeyMaterialId;
  assert.match(priorId ?? '', /^[0-9a-f]{64}$/, 'the first test made the key');
  const before = new Map<string, { secret: Buffer; ct: Uint8Array }>();
  for (const region of REGIONS) {
    const secret = randomBytes(16);
    const ct = (await inRegion(region).encrypt({ KeyId: keyId, Plaintext: secret })).CiphertextBlob;
    before.set(region, { secret, ct: ct ?? new Uint8Array() });
  }

  // AWS's rule, refused before anyone enrolls: the plan names every replica of the key, and only those;
  // new material goes to the primary, not to a replica.
  await assert.rejects(
    rehearse(
      path.join(tmp.dir, 'rotate-one-replica'),
      rotationPlan((p) => setIn(p, 'target.replicaRegions', ['eu-west-1'])),
      { endpoint: emu.url },
    ),
    {
      code: 'PREFLIGHT_REPLICAS_DIFFER',
      message: /has replicas in ap-southeast-2, eu-west-1, the plan names eu-west-1/,
    },
  );
  await assert.rejects(
    rehearse(
      path.join(tmp.dir, 'rotate-replica'),
      rotationPlan((p) => {
        setIn(p, 'target.key.existing.keyId', `arn:aws:kms:eu-west-1:111122223333:key/${keyId}`);
        setIn(p, 'target.region', 'eu-west-1');
        setIn(p, 'target.replicaRegions', ['us-east-1', 'ap-southeast-2']);
      }),
      { endpoint: emu.url },
    ),
    { code: 'PREFLIGHT_NOT_PRIMARY', message: /is a multi-Region replica/ },
  );

  const dir = path.join(tmp.dir, 'rotate');
  const r = await rehearse(dir, rotationPlan(), { endpoint: emu.url, passphrases: passphrasesFor(4) });
  assert.equal(r.keyState, 'Enabled');
  const ids = new Set<string>();
  for (const region of REGIONS) {
    const md = (await inRegion(region).describeKey(keyId)).KeyMetadata;
    ids.add(md?.CurrentKeyMaterialId ?? '');
    const list =
      (await inRegion(region).listKeyRotations({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))
        .Rotations ?? [];
    assert.deepEqual(
      list
        .map((m) => `${m.KeyMaterialId === priorId ? 'prior' : 'new'} ${m.KeyMaterialState}/${m.ImportState}`)
        .sort(),
      ['new CURRENT/IMPORTED', 'prior NON_CURRENT/IMPORTED'],
      region,
    );
    // What was encrypted before the rotation, anywhere, still decrypts here.
    for (const [from, b] of before) {
      const back = await inRegion(region).decrypt({ KeyId: keyId, CiphertextBlob: b.ct });
      assert.deepEqual(Buffer.from(back.Plaintext ?? []), b.secret, `${from} → ${region}`);
    }
  }
  assert.equal(ids.size, 1, 'the same new material current in every region');
  assert.ok(!ids.has(priorId ?? ''));

  const log = loadLog(path.join(dir, 'audit.db'));
  assert.equal(verifyLog(log).ok, true);
  const arns = REGIONS.map((region) => `arn:aws:kms:${region}:111122223333:key/${keyId}`);
  const intents = (action: string) =>
    log.records
      .filter((x) => x.type === 'intent' && x.payload['action'] === action)
      .map((x) => x.payload['details'] as Record<string, unknown>);
  assert.deepEqual(
    intents('kms.import-key-material').map((d) => `${String(d['keyArn'])} ${String(d['importType'])}`),
    [`${arns[0]} NEW_KEY_MATERIAL`, `${arns[1]} EXISTING_KEY_MATERIAL`, `${arns[2]} EXISTING_KEY_MATERIAL`],
  );
  assert.deepEqual(
    intents('kms.rotate-key-on-demand').map((d) => d['keyArn']),
    [arns[0]],
    'one rotation, on the primary',
  );
  const rotated = log.records.find((x) => x.type === 'kms.rotated');
  assert.match(
    String(rotated?.payload['check']),
    /every replica \(eu-west-1, ap-southeast-2\) has the new material current/,
  );
  const sheet = readFileSync(path.join(dir, 'handover.txt'), 'utf8');
  for (const arn of arns.slice(1)) assert.ok(sheet.includes(`${arn} (Enabled)`), sheet);
});

void test('multi-Region plans AWS (or this version) would refuse are refused before anyone enrolls', async () => {
  const cases: [string, (p: PlanDoc) => void][] = [
    ['PLAN_REPLICA_IS_PRIMARY', (p) => setIn(p, 'target.replicaRegions', ['eu-west-1', 'us-east-1'])],
    ['PLAN_REPLICA_DUPLICATE', (p) => setIn(p, 'target.replicaRegions', ['eu-west-1', 'eu-west-1'])],
    ['PLAN_REPLICA_PARTITION', (p) => setIn(p, 'target.replicaRegions', ['cn-north-1'])],
    ['PLAN_REPLICA_KEY_SPEC', (p) => setIn(p, 'target.key.create.keySpec', 'HMAC_256')],
    [
      'PLAN_REPLICA_EXISTING_KEY',
      (p) => setIn(p, 'target.key', { existing: { keyId: 'alias/x', keySpec: 'SYMMETRIC_DEFAULT' } }),
    ],
    ['PLAN_REPLICA_GRANT', (p) => setIn(p, 'grant', { accountId: '444455556666' })],
    ['PLAN_REPLICA_SPLIT', (p) => setIn(p, 'stations', 'split')],
  ];
  for (const [code, change] of cases) {
    const p = plan(`alias/mr-refused-${code.toLowerCase()}`);
    change(p);
    await assert.rejects(rehearse(path.join(tmp.dir, code), p, { endpoint: emu.url }), { code }, code);
  }
  const bad = plan('alias/mr-bad-region');
  setIn(bad, 'target.replicaRegions', ['Europe']);
  await assert.rejects(rehearse(path.join(tmp.dir, 'bad-region'), bad, { endpoint: emu.url }), {
    code: 'PLAN_INVALID',
    message: /target\.replicaRegions\.0: an AWS region such as eu-west-1/,
  });
  // Nothing was created for any refused plan.
  const keys = await inRegion('us-east-1').listAliases({});
  assert.equal(
    (keys.Aliases ?? []).filter(
      (a) => a.AliasName?.startsWith('alias/mr-refused') || a.AliasName === 'alias/mr-bad-region',
    ).length,
    0,
  );
});

void test('replica regions over an endpoint override that is not the emulator are refused before anyone enrolls, in words', async () => {
  const real = kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: emu.url }));
  const doc = plan('alias/mr-endpoint');
  const planned = validatePlan(doc).plan;
  // A VPC endpoint (it serves one region only) answering as a real caller: every replica's call would go there.
  const vpce: KmsPort = {
    ...real,
    endpoint: 'https://user:secret@vpce-0abc.kms.us-east-1.vpce.amazonaws.com/?x=1',
    callerIdentity: async () => ({ account: '111122223333', arn: 'arn:aws:iam::111122223333:user/alice' }),
  };
  try {
    await assert.rejects(preflightBeforeEnrollment(vpce, planned, tmp.dir), (e: KeyriteError) => {
      assert.equal(e.code, 'PREFLIGHT_REPLICA_ENDPOINT');
      assert.match(e.message, /replicates the key into eu-west-1, ap-southeast-2/);
      assert.match(e.message, /https:\/\/vpce-0abc\.kms\.us-east-1\.vpce\.amazonaws\.com:/);
      assert.doesNotMatch(e.message, /secret|x=1/);
      assert.match(e.hint ?? '', /no endpoint override/);
      return true;
    });
    // The same plan without replicas passes that check; so does the emulator's own caller at an override.
    setIn(doc, 'target.replicaRegions', undefined);
    await preflightBeforeEnrollment(vpce, validatePlan(doc).plan, tmp.dir);
    await preflightBeforeEnrollment(real, planned, tmp.dir);
  } finally {
    real.close();
  }
});
