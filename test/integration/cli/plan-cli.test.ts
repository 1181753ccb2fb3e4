// `keyrite plan check` and `keyrite plan schema` as a plan's author runs them, through the launcher.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { parse as parseYaml } from 'yaml';
import { validatePlan } from '../../../src-shared/ceremony/plan.js';
import { toPgpWords } from '../../../src-shared/words/pgp-words.js';
import { readPlanFile } from '../../../src-main/ceremony/plan-file.js';
import { keyriteSync, ROOT } from './harness/launcher.js';

const PLANS = path.join(ROOT, 'test', 'fixtures', 'plans');
const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-plan-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[]) => keyriteSync(args, { cwd: dir });

const fixture = (name: string): Record<string, unknown> =>
  parseYaml(readFileSync(path.join(PLANS, name), 'utf8')) as Record<string, unknown>;

function writePlan(name: string, doc: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

void test('plan check: the shipped plans pass and print the digest the ceremony computes, in hex and words', () => {
  // hmac-split-knowledge.yaml has a fixed validTo, which a date will one day make refused: its digest
  // is still printed (a valid plan always has one), so only its exit status is not asserted.
  for (const [name, mustPass] of [
    ['rehearsal-symmetric.yaml', true],
    ['ecc-sign-grant.yaml', true],
    ['hmac-split-knowledge.yaml', false],
  ] as const) {
    const file = path.join(PLANS, name);
    const r = run(['plan', 'check', file]);
    const { digest } = validatePlan(readPlanFile(file));
    assert.match(r.stdout, new RegExp(`^digest +${digest}$`, 'm'), name);
    assert.match(r.stdout, new RegExp(`^ +\\(words\\) +${toPgpWords(digest).join(' ')}$`, 'm'), name);
    if (!mustPass) continue;
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^result +acceptable offline$/m);
    assert.match(r.stdout, /still checked at the ceremony, online: the AWS identity/);
  }
});

void test('plan check: one digest for one plan, whether YAML or JSON, defaults written or not', () => {
  const doc = fixture('rehearsal-symmetric.yaml');
  const yaml = run(['plan', 'check', path.join(PLANS, 'rehearsal-symmetric.yaml')]);
  const json = run([
    'plan',
    'check',
    writePlan('same.json', { ...doc, participants: { ...(doc['participants'] as object) } }),
  ]);
  const digestOf = (out: string) => /^digest +([0-9a-f]{64})$/m.exec(out)?.[1];
  assert.ok(digestOf(yaml.stdout));
  assert.equal(digestOf(json.stdout), digestOf(yaml.stdout));
  const changed = run(['plan', 'check', writePlan('changed.json', { ...doc, name: 'another name' })]);
  assert.notEqual(digestOf(changed.stdout), digestOf(yaml.stdout));
});

void test('plan check: every schema problem at once, each naming the allowed values and the nearest', () => {
  const doc = fixture('rehearsal-symmetric.yaml');
  const target = doc['target'] as { key: { create: Record<string, unknown> } };
  target.key.create['keySpec'] = 'SYMETRIC_DEFAULT';
  (doc['wrapping'] as Record<string, unknown>)['algoritm'] = 'RSAES_OAEP_SHA_256';
  doc['material'] = { mode: 'csprn' };
  doc['guardedSteps'] = ['imprt'];
  delete doc['name'];
  const r = run(['plan', 'check', writePlan('typos.json', doc)]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /INVALID: 5 problem\(s\); no digest until the plan is valid/);
  assert.doesNotMatch(r.stdout, /^digest/m);
  const err = r.stderr;
  assert.match(
    err,
    /keyrite: target\.key\.create\.keySpec: `SYMETRIC_DEFAULT` is not a key spec; did you mean `SYMMETRIC_DEFAULT`\?\n {2}hint: use one of SYMMETRIC_DEFAULT, HMAC_224,/,
  );
  assert.match(
    err,
    /keyrite: wrapping: unknown field `algoritm`; did you mean `algorithm`\?\n {2}hint: fields here: algorithm, keySpec/,
  );
  assert.match(err, /keyrite: material\.mode: `csprn` is not a material mode; did you mean `csprng`\?/);
  assert.match(
    err,
    /keyrite: guardedSteps\[0\]: `imprt` is not a step that can be guarded; did you mean `import`\?/,
  );
  assert.match(err, /keyrite: name is missing\n {2}hint: add it — name: /);
  assert.equal(err.trimEnd().split('\n').length, 10, 'one reason and one hint per problem, nothing else');
});

void test('plan check: the pre-flight refusals that need no network, all listed, after the digest', () => {
  const doc = fixture('rehearsal-symmetric.yaml');
  doc['quorum'] = { m: 4 };
  doc['wrapping'] = { algorithm: 'RSA_AES_KEY_WRAP_SHA_256', keySpec: 'RSA_2048' };
  doc['expiration'] = { model: 'KEY_MATERIAL_EXPIRES', validTo: '2020-01-01T00:00:00Z' };
  const r = run(['plan', 'check', writePlan('refused.json', doc)]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^digest +[0-9a-f]{64}$/m, 'a valid plan has a digest even when refused');
  assert.match(r.stdout, /REFUSED for 3 reason\(s\)/);
  assert.match(r.stderr, /SYMMETRIC_DEFAULT material cannot be wrapped with RSA_AES_KEY_WRAP_SHA_256/);
  assert.match(r.stderr, /quorum 4 is larger than the 3 custodian\(s\)/);
  assert.match(r.stderr, /validTo 2020-01-01T00:00:00Z is not in the future/);
});

void test('plan check: an existing key must be a real key reference in the plan’s account and Region; its material must be there', () => {
  const shipped = run(['plan', 'check', path.join(PLANS, 'rsa-existing-key.yaml')]);
  assert.equal(shipped.code, 1);
  assert.match(shipped.stderr, /material\.file rsa-2048\.pk8 does not exist/);

  const doc = fixture('rsa-existing-key.yaml');
  const key = (doc['target'] as { key: { existing: Record<string, string> } }).key.existing;
  key['keyId'] = 'REPLACE-WITH-KEY-ID';
  const placeholder = run(['plan', 'check', writePlan('placeholder.json', doc)]);
  assert.equal(placeholder.code, 1);
  assert.match(placeholder.stderr, /`REPLACE-WITH-KEY-ID` is not a KMS key id, key ARN or alias/);
  key['keyId'] = 'arn:aws:kms:eu-west-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  writeFileSync(path.join(dir, 'rsa-2048.pk8'), 'not read by plan check');
  const arn = run(['plan', 'check', writePlan('arn.json', doc)]);
  assert.equal(arn.code, 1);
  assert.match(arn.stderr, /is in eu-west-1, but target\.region is us-east-1/);
  assert.match(arn.stderr, /belongs to account 999999999999, but target\.accountId is 111122223333/);
  assert.doesNotMatch(arn.stderr, /does not exist/, 'the material file is found relative to the plan');

  key['keyId'] = '1234abcd-12ab-34cd-56ef-1234567890ab';
  assert.equal(run(['plan', 'check', writePlan('ok.json', doc)]).code, 0);
});

void test('plan check --json, and bad use', () => {
  const r = run(['plan', 'check', path.join(PLANS, 'rehearsal-symmetric.yaml'), '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.stdout) as { ok: boolean; digest: string; words: string; problems: unknown[] };
  assert.equal(j.ok, true);
  assert.equal(j.words, toPgpWords(j.digest).join(' '));
  assert.deepEqual(j.problems, []);
  for (const [args, reason] of [
    [['plan'], /missing subcommand/],
    [['plan', 'chek', 'x'], /unknown plan subcommand "chek"/],
    [['plan', 'check'], /takes one plan file/],
    [['plan', 'check', path.join(dir, 'nope.yaml')], /plan file not found/],
    [['plan', 'check', dir], /not a regular file/],
    [['plan', 'check', writePlanText('bad.yaml', 'version: [1\n')], /is not valid YAML/],
  ] as const) {
    const bad = run([...args]);
    assert.notEqual(bad.code, 0, args.join(' '));
    assert.match(bad.stderr, reason);
    assert.match(bad.stderr, /\n {2}hint: \S/);
  }
});

function writePlanText(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

void test('plan schema: an independent JSON Schema validator accepts the shipped plans and rejects a misspelt one', () => {
  const r = run(['plan', 'schema']);
  assert.equal(r.code, 0, r.stderr);
  const schema = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(schema['$schema'], 'https://json-schema.org/draft/2020-12/schema');
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
  for (const name of readdirSync(PLANS))
    assert.equal(validate(fixture(name)), true, `${name}: ${JSON.stringify(validate.errors)}`);
  const typo = fixture('rehearsal-symmetric.yaml');
  (typo['target'] as { key: { create: Record<string, unknown> } }).key.create['keySpec'] = 'SYMETRIC_DEFAULT';
  assert.equal(validate(typo), false);
  const props = schema['properties'] as Record<string, { description?: string }>;
  assert.match(props['quorum']?.description ?? '', /custodians must confirm/);

  const out = path.join(dir, 'plan.schema.json');
  assert.equal(run(['plan', 'schema', '--out', out]).code, 0);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), schema);
  const again = run(['plan', 'schema', '--out', out]);
  assert.match(again.stderr, /already exists/);
});
