import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { unlockCustodian, type CustodianEnrollment } from '../../../src-main/secrets/custodian-keys.js';
import { openShare } from '../../../src-main/secrets/backup-shares.js';
import type { ShareFileOnDisk } from '../../../src-main/ceremony/ceremony-files.js';
import path from 'node:path';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import { startEmulator, type RunningEmulator } from '../../../src-main/emulator/index.js';
import { defaultRehearsalPlan } from '../../../src-main/ceremony/default-plan.js';
import {
  capturingSource,
  filesUnder,
  findLeaks,
  fixturePlan,
  passphrasesFor,
  rehearse,
  tempDir,
  setIn,
  type PlanDoc,
  secretOf,
} from './harness/ceremony.js';

let emu: RunningEmulator;
const tmp = tempDir('leaks');
void before(async () => {
  emu = await startEmulator();
});
void after(async () => {
  await emu.close();
  tmp.cleanup();
});

/**
 * Scans every file the ceremony wrote — while the audit database is still open, so its WAL is there
 * too — for the material, the components and the passphrases in raw, hex and base64 form.
 */
for (const [name, planOf] of [
  ['symmetric with backup shares', () => defaultRehearsalPlan()],
  [
    'HMAC from split knowledge',
    () => {
      const p = fixturePlan('hmac-split-knowledge.yaml') as PlanDoc;
      setIn(p, 'expiration.validTo', new Date(Date.now() + 86400_000).toISOString());
      return p;
    },
  ],
  ['ECC with backup shares', () => fixturePlan('ecc-sign-grant.yaml')],
] as const) {
  void test(`no secret appears in any file Keyrite wrote (${name})`, async () => {
    const secrets: Buffer[] = [];
    const dir = path.join(tmp.dir, name.replace(/\W+/g, '-'));
    const passphrases = passphrasesFor(4, 'leak-test');
    for (const line of passphrases.toString('utf8').trim().split('\n')) secrets.push(Buffer.from(line));
    let scanned: string[] | null = null;
    let walSeen = false;
    await rehearse(dir, planOf(), {
      endpoint: emu.url,
      passphrases,
      engine: {
        materialSource: capturingSource(secrets),
        componentSource: async (_id, length) => {
          const c = randomBytes(length);
          secrets.push(Buffer.from(c));
          return SecretBuffer.adopt(c);
        },
      },
      lines: new Proxy([] as string[], {
        get(target, prop, recv) {
          if (prop === 'push')
            return (l: string) => {
              // The last step is done and the database is still open: its WAL is on disk now.
              if (l.startsWith('✓ close')) {
                walSeen = existsSync(path.join(dir, 'audit.db-wal'));
                scanned = findLeaks(dir, secrets);
              }
              return target.push(l);
            };
          return Reflect.get(target, prop, recv);
        },
      }),
    });
    assert.ok(secrets.length >= 4, 'captured the material and passphrases');
    // The Shamir shares themselves: opened here with the custodians' passphrases, then searched for.
    const shares = await openedShares(dir, passphrases);
    if (name !== 'HMAC from split knowledge') assert.equal(shares.length, 3, 'opened every share');
    secrets.push(...shares);
    assert.ok(walSeen, 'the WAL was on disk during the scan');
    assert.deepEqual(scanned, []);
    assert.deepEqual(findLeaks(dir, secrets), []);
    assert.ok(filesUnder(dir).length >= 6);
  });
}

/** Opens every share file in DIR/shares with its holder's passphrase (lines in custodian order). */
async function openedShares(dir: string, passphrases: Buffer): Promise<Buffer[]> {
  const lines = passphrases.toString('utf8').trim().split('\n');
  const out: Buffer[] = [];
  const sharesDir = path.join(dir, 'shares');
  if (!existsSync(sharesDir)) return out;
  for (const name of readdirSync(sharesDir).filter((n) => n.endsWith('.share.json'))) {
    const file = JSON.parse(readFileSync(path.join(sharesDir, name), 'utf8')) as ShareFileOnDisk;
    const line = lines[Number(file.custodianId.replace('custodian-', '')) - 1] as string;
    const enrollment = { custodianId: file.custodianId, ...file.holder } as CustodianEnrollment;
    const u = await unlockCustodian(file.ceremonyId, enrollment, secretOf(Buffer.from(line)));
    const share = openShare(file, u, file.commitment);
    out.push(share.use((b) => Buffer.from(b)));
    share.dispose();
    u.dispose();
  }
  return out;
}

void test('the scanner finds a planted secret (the test can fail)', () => {
  const secret = randomBytes(32);
  const d = tempDir('plant');
  try {
    writeFileSync(path.join(d.dir, 'x.txt'), `prefix ${secret.toString('base64')} suffix`);
    assert.deepEqual(findLeaks(d.dir, [secret]), ['x.txt']);
  } finally {
    d.cleanup();
  }
});
