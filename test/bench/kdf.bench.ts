// What a thief with a stolen share file pays per passphrase guess: the share file is made as a ceremony
// makes it (custodian keys sealed at Keyrite's default scrypt cost beside the sealed share), then guesses
// are tried one after another on one core, exactly as unlockCustodian tries them. The earlier default
// (scrypt 2^17) is measured in the same run as the reference. KEYRITE_BENCH_GUESSES sets the count (3).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';
import { createSealedShares } from '../../src-main/secrets/backup-shares.js';
import {
  type CustodianEnrollment,
  enrollCustodian,
  unlockCustodian,
} from '../../src-main/secrets/custodian-keys.js';
import { DEFAULT_SCRYPT_COST, type ScryptCost } from '../../src-main/secrets/passphrase-seal.js';
import type { Figure } from './run.js';

const GUESSES = Number(process.env['KEYRITE_BENCH_GUESSES'] ?? 3);
const owner = 'purple elephant dances at dawn 1';

async function shareFile(dir: string, cost: ScryptCost): Promise<string> {
  const e = await enrollCustodian('cer-bench', 'custodian-1', SecretBuffer.adopt(Buffer.from(owner)), cost);
  const [share] = await createSealedShares(
    'cer-bench',
    SecretBuffer.adopt(randomBytes(32)),
    'ABCDEF',
    [
      { custodianId: 'custodian-1', sharePublicKey: e.sharePublicKey },
      { custodianId: 'custodian-2', sharePublicKey: e.sharePublicKey },
    ],
    2,
  );
  const file = path.join(dir, `custodian-1-${cost.N}.share.json`);
  const holder = {
    signingPublicKey: e.signingPublicKey,
    sharePublicKey: e.sharePublicKey,
    sealedKeys: e.sealedKeys,
  };
  writeFileSync(file, JSON.stringify({ ...share, holder }));
  return file;
}

/** Wrong guesses per second on this core against the sealed keys in `file`. */
async function attack(file: string): Promise<number> {
  const { holder } = JSON.parse(readFileSync(file, 'utf8')) as {
    holder: Omit<CustodianEnrollment, 'custodianId'>;
  };
  const enrollment: CustodianEnrollment = { custodianId: 'custodian-1', ...holder };
  const started = process.hrtime.bigint();
  for (let i = 0; i < GUESSES; i++) {
    try {
      (
        await unlockCustodian('cer-bench', enrollment, SecretBuffer.adopt(Buffer.from(`guess number ${i}`)))
      ).dispose();
      throw new Error('a wrong guess opened the share file');
    } catch (e) {
      if ((e as { code?: string }).code !== 'PASSPHRASE_WRONG') throw e;
    }
  }
  return GUESSES / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function run(): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-bench-kdf-'));
  try {
    const legacy: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
    const now = await attack(await shareFile(dir, DEFAULT_SCRYPT_COST));
    const before = await attack(await shareFile(dir, legacy));
    const mib = (c: ScryptCost) => (128 * c.N * c.r) / 2 ** 20;
    return [
      {
        name: `attacker guesses/s/core vs a share file (scrypt 2^${Math.log2(DEFAULT_SCRYPT_COST.N)}, r=${DEFAULT_SCRYPT_COST.r})`,
        value: now,
        unit: 'guesses/s',
        note: `${(1 / now).toFixed(2)} s and ${mib(DEFAULT_SCRYPT_COST)} MiB per guess`,
      },
      {
        name: 'same, at the earlier default (scrypt 2^17, r=8), same run',
        value: before,
        unit: 'guesses/s',
        note: `${(1 / before).toFixed(2)} s and ${mib(legacy)} MiB per guess; ${(before / now).toFixed(1)}x more guesses`,
      },
      {
        name: 'core-years for 10^12 guesses (the policy minimum) at the default',
        value: 1e12 / now / (365 * 24 * 3600),
        unit: 'core-years',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
