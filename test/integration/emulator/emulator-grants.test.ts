// The grant family — CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant — as the
// SaaS hand-over of the reference runbook uses it: a grant on the imported key for the SaaS role.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateGrantCommand,
  type CreateGrantCommandInput,
  type CreateKeyCommandInput,
  DisableKeyCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  type Harness,
  importWithWrapModule,
  randomMaterial,
  rejectsWith,
  startHarness,
} from './harness/emulator.js';

let h: Harness;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'keyrite-grants-'));
  h = await startHarness({ statePath: path.join(dir, 'state.sqlite') });
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const SAAS = 'arn:aws:iam::444455556666:role/saas-kms-access';
const OPS = 'arn:aws:iam::111122223333:role/key-operators';

function key(input: CreateKeyCommandInput = {}): Promise<{ id: string; arn: string }> {
  return h.createKey(input);
}

async function importedKey(): Promise<{ id: string; arn: string }> {
  const k = await key({ Origin: 'EXTERNAL' });
  await importWithWrapModule(h.kms, k.id, 'SYMMETRIC_DEFAULT', randomMaterial(), 'RSAES_OAEP_SHA_256');
  return k;
}

function grant(
  keyId: string,
  extra: Partial<CreateGrantCommandInput> = {},
): Promise<{ GrantId?: string; GrantToken?: string }> {
  return h.kms.send(
    new CreateGrantCommand({ KeyId: keyId, GranteePrincipal: SAAS, Operations: ['Decrypt'], ...extra }),
  );
}

void describe('grants', () => {
  void test('a hand-over grant is listed with every field, then retired by its token', async () => {
    const k = await importedKey();
    const before = h.now().getTime();
    const g = await grant(k.id, {
      Operations: ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'],
      RetiringPrincipal: OPS,
      Name: 'saas-handover',
      Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
    });
    assert.match(g.GrantId ?? '', /^[0-9a-f]{64}$/);
    assert.ok((g.GrantToken ?? '').length > 40);
    const all = await h.kms.send(new ListGrantsCommand({ KeyId: k.arn }));
    assert.equal(all.Truncated, false);
    assert.equal(all.Grants?.length, 1);
    const e = all.Grants?.[0];
    assert.equal(e?.KeyId, k.arn);
    assert.equal(e?.GrantId, g.GrantId);
    assert.equal(e?.Name, 'saas-handover');
    assert.equal(e?.GranteePrincipal, SAAS);
    assert.equal(e?.RetiringPrincipal, OPS);
    assert.equal(e?.IssuingAccount, 'arn:aws:iam::111122223333:root');
    assert.deepEqual(e?.Operations, ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey']);
    assert.deepEqual(e?.Constraints, { EncryptionContextSubset: { tenant: 'acme' } });
    assert.ok((e?.CreationDate?.getTime() ?? 0) >= before - 1000);

    const retirable = await h.kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: OPS }));
    assert.deepEqual(
      retirable.Grants?.map((x) => x.GrantId),
      [g.GrantId],
    );
    await h.kms.send(new RetireGrantCommand({ GrantToken: g.GrantToken }));
    assert.deepEqual((await h.kms.send(new ListGrantsCommand({ KeyId: k.id }))).Grants, []);
    await rejectsWith(
      h.kms.send(new RetireGrantCommand({ GrantToken: g.GrantToken })),
      'InvalidGrantTokenException',
    );
  });

  void test('ListGrants filters by grant id and grantee; RetireGrant by key and id; RevokeGrant', async () => {
    const k = await importedKey();
    const a = await grant(k.id);
    const b = await grant(k.id, { GranteePrincipal: OPS, Operations: ['Encrypt'] });
    const c = await grant(k.id, { Operations: ['ReEncryptFrom', 'ReEncryptTo'] });
    const byId = await h.kms.send(new ListGrantsCommand({ KeyId: k.id, GrantId: b.GrantId }));
    assert.deepEqual(
      byId.Grants?.map((x) => x.GrantId),
      [b.GrantId],
    );
    const byGrantee = await h.kms.send(new ListGrantsCommand({ KeyId: k.id, GranteePrincipal: SAAS }));
    assert.deepEqual(
      byGrantee.Grants?.map((x) => x.GrantId),
      [a.GrantId, c.GrantId],
    );
    const paged = await h.kms.send(new ListGrantsCommand({ KeyId: k.id, Limit: 2 }));
    assert.equal(paged.Truncated, true);
    const rest = await h.kms.send(new ListGrantsCommand({ KeyId: k.id, Marker: paged.NextMarker }));
    assert.deepEqual(
      [...(paged.Grants ?? []), ...(rest.Grants ?? [])].map((x) => x.GrantId),
      [a.GrantId, b.GrantId, c.GrantId],
    );
    await h.kms.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: a.GrantId }));
    await h.kms.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: b.GrantId }));
    assert.deepEqual(
      (await h.kms.send(new ListGrantsCommand({ KeyId: k.id }))).Grants?.map((x) => x.GrantId),
      [c.GrantId],
    );
    await rejectsWith(
      h.kms.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: b.GrantId })),
      'NotFoundException',
    );
    await rejectsWith(
      h.kms.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: 'aabbccdd' })),
      'InvalidGrantIdException',
    );
    const other = await importedKey();
    await rejectsWith(
      h.kms.send(new RevokeGrantCommand({ KeyId: other.id, GrantId: c.GrantId })),
      'NotFoundException',
      `Grant ID ${c.GrantId} not found`,
    );
    await rejectsWith(h.kms.send(new RetireGrantCommand({})), 'ValidationException');
  });

  void test('operations must suit the key; constraints only on symmetric keys; principals and names are checked', async () => {
    const sym = await importedKey();
    await rejectsWith(
      grant(sym.id, { Operations: ['Sign'] }),
      'ValidationException',
      /Grant operations Sign are not valid/,
    );
    await rejectsWith(
      grant(sym.id, { Operations: ['Decrypt', 'Bogus' as 'Decrypt'] }),
      'ValidationException',
      /at 'operations' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[Decrypt, Encrypt,/,
    );
    await rejectsWith(grant(sym.id, { Operations: [] }), 'ValidationException', /at 'operations'/);
    await rejectsWith(
      grant(sym.id, { GranteePrincipal: 'not a principal' }),
      'ValidationException',
      /at 'granteePrincipal' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    await rejectsWith(grant(sym.id, { Name: 'bad name!' }), 'ValidationException', /at 'name'/);
    const rsa = await key({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' });
    await rejectsWith(
      grant(rsa.id, { Operations: ['GenerateDataKey'] }),
      'ValidationException',
      /GenerateDataKey/,
    );
    const sign = await grant(rsa.id, { Operations: ['Decrypt', 'GetPublicKey'] });
    assert.ok(sign.GrantId);
    const hmac = await key({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await rejectsWith(
      grant(hmac.id, { Operations: ['GenerateMac'], Constraints: { EncryptionContextEquals: { a: 'b' } } }),
      'ValidationException',
      /apply only to symmetric encryption KMS keys/,
    );
  });

  void test('key state: a key pending import, disabled or pending deletion takes no new grant; revoking still works', async () => {
    const pending = await key({ Origin: 'EXTERNAL' });
    await rejectsWith(grant(pending.id), 'KMSInvalidStateException', `${pending.arn} is pending import.`);
    const k = await importedKey();
    const g = await grant(k.id);
    await h.kms.send(new DisableKeyCommand({ KeyId: k.id }));
    await rejectsWith(grant(k.id), 'DisabledException', `${k.arn} is disabled.`);
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }));
    await rejectsWith(grant(k.id), 'KMSInvalidStateException', `${k.arn} is pending deletion.`);
    await h.kms.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: g.GrantId }));
  });

  void test('the same Name and parameters return the same grant; DryRun creates nothing', async () => {
    const k = await importedKey();
    const first = await grant(k.id, { Name: 'retry-safe', Operations: ['Decrypt', 'Encrypt'] });
    const again = await grant(k.id, { Name: 'retry-safe', Operations: ['Encrypt', 'Decrypt'] });
    assert.equal(again.GrantId, first.GrantId);
    assert.notEqual(again.GrantToken, first.GrantToken);
    const changed = await grant(k.id, { Name: 'retry-safe', Operations: ['Decrypt'] });
    assert.notEqual(changed.GrantId, first.GrantId);
    await h.kms.send(new RetireGrantCommand({ GrantToken: again.GrantToken }));
    await rejectsWith(
      grant(k.id, { DryRun: true }),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
    );
    assert.deepEqual(
      (await h.kms.send(new ListGrantsCommand({ KeyId: k.id }))).Grants?.map((x) => x.GrantId),
      [changed.GrantId],
    );
  });

  void test('grants survive a restart of the --state file and end with their key', async () => {
    const k = await importedKey();
    const g = await grant(k.id, { Name: 'persisted', RetiringPrincipal: SAAS });
    const statePath = path.join(dir, 'state.sqlite');
    await h.close();
    h = await startHarness({ statePath });
    assert.deepEqual(
      (await h.kms.send(new ListGrantsCommand({ KeyId: k.id }))).Grants?.map((x) => x.GrantId),
      [g.GrantId],
    );
    const kept = await h.kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: SAAS }));
    assert.equal(
      kept.Grants?.some((x) => x.GrantId === g.GrantId),
      true,
    );
    await h.kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }));
    h.advance(8 * 86_400_000);
    const retirable = await h.kms.send(new ListRetirableGrantsCommand({ RetiringPrincipal: SAAS }));
    assert.equal(
      retirable.Grants?.some((x) => x.GrantId === g.GrantId),
      false,
    );
    await rejectsWith(h.kms.send(new ListGrantsCommand({ KeyId: k.id })), 'NotFoundException');
  });
});
