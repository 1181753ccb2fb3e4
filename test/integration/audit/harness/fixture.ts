import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { publicKeyToBase64 } from '../../../../src-shared/audit/keys.js';
import { type AuditStore, openAuditStore } from '../../../../src-main/audit/audit-store.js';
import type { StationKey } from '../../../../src-main/audit/station-key.js';
import type { CliIO } from '../../../../src-main/cli/io.js';
import { main } from '../../../../src-main/cli/main.js';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyrite-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the real CLI entry and captures what it prints. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export function custodianKey(name: string): {
  name: string;
  publicKey: string;
  cosign: (d: Buffer) => { signer: string; publicKey: string; signature: string };
} {
  const pair = generateKeyPairSync('ed25519');
  const publicKey = publicKeyToBase64(pair.publicKey);
  return {
    name,
    publicKey,
    cosign: (d) => ({
      signer: name,
      publicKey,
      signature: sign(null, d, pair.privateKey).toString('base64'),
    }),
  };
}

/**
 * A realistic ceremony log: enrolment, steps with confirmations, KCVs, intents and outcomes, and a
 * co-signed checkpoint every `every` records. `records` is roughly the number of records written.
 */
export function writeCeremony(store: AuditStore, records: number, every = 50, ceremonyId = 'cer-1'): void {
  const alice = custodianKey('alice');
  const bob = custodianKey('bob');
  store.append({
    ceremonyId,
    actor: 'admin',
    type: 'ceremony.started',
    payload: { planDigest: 'ab'.repeat(32), title: 'Payments key import' },
  });
  for (const c of [alice, bob])
    store.append({
      ceremonyId,
      actor: 'admin',
      type: 'participant.enrolled',
      payload: { name: c.name, role: 'custodian', publicKey: c.publicKey },
    });
  store.append({
    ceremonyId,
    actor: 'admin',
    type: 'participant.enrolled',
    payload: { name: 'wendy', role: 'witness' },
  });
  let i = 0;
  while (store.head().seq < records) {
    i += 1;
    const stepId = `step-${i}`;
    store.append({ ceremonyId, actor: 'admin', type: 'step.started', payload: { stepId } });
    const intent = store.intent({
      ceremonyId,
      actor: 'admin',
      type: 'kms.import',
      effect: `ImportKeyMaterial #${i}`,
      payload: { keyArn: `arn:aws:kms:eu-west-1:111122223333:key/k-${i}` },
    });
    store.outcome(intent.seq, { ok: i % 7 !== 0, payload: { attempt: i } });
    store.append({
      ceremonyId,
      actor: 'alice',
      type: 'material.kcv',
      payload: { kcv: (0xa00000 + i).toString(16).toUpperCase(), scope: 'component', holder: 'alice' },
    });
    store.append({
      ceremonyId,
      actor: 'admin',
      type: 'step.completed',
      payload: { stepId, wrappingKeyFingerprint: 'cd'.repeat(32) },
    });
    if (i % 5 === 0)
      store.append({
        ceremonyId,
        actor: 'wendy',
        type: 'witness.exception',
        payload: { witness: 'wendy', text: `Seal on bag ${i} was re-taped`, stepId },
      });
    if (store.head().seq % every < 6)
      store.checkpoint({ ceremonyId, cosign: (d) => [alice.cosign(d), bob.cosign(d)] });
  }
  store.checkpoint({ ceremonyId, cosign: (d) => [alice.cosign(d), bob.cosign(d)] });
}

export function freshLog(dir: string, records = 300): { db: string; stationKey: string } {
  const db = path.join(dir, 'audit.db');
  const stationKey = path.join(dir, 'station.key');
  const store = openAuditStore(db, { stationKey: stationKeyAt(stationKey) });
  writeCeremony(store, records);
  store.close();
  return { db, stationKey };
}

/**
 * A station key kept as plain PKCS#8 DER at `file` (created if absent), for tests that reopen a log with
 * the same station. Keyrite itself never stores a station key unsealed (see station-key.ts).
 */
export function stationKeyAt(file: string): StationKey {
  if (!existsSync(file)) {
    const pair = generateKeyPairSync('ed25519');
    writeFileSync(file, pair.privateKey.export({ format: 'der', type: 'pkcs8' }), { mode: 0o600 });
  }
  const privateKey = createPrivateKey({ key: readFileSync(file), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
