import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type SignedCheckpoint, checkpointDigest } from '../../../../src-shared/audit/checkpoint.js';
import { ZERO_HASH } from '../../../../src-shared/audit/hashing.js';
import { publicKeyToBase64, stationIdOf } from '../../../../src-shared/audit/keys.js';
import { CompactRange } from '../../../../src-shared/audit/merkle.js';
import { stationIntroductionDigest } from '../../../../src-shared/audit/station-chain.js';
import { type AuditRecord, computeRecordHash, recordLeafHash } from '../../../../src-shared/audit/record.js';

/** Builds a valid log in memory with the shared functions only, as an independent writer would. */
export class LogBuilder {
  readonly records: AuditRecord[] = [];
  readonly checkpoints: SignedCheckpoint[] = [];
  stationKey = generateKeyPairSync('ed25519');
  publicKey = publicKeyToBase64(this.stationKey.publicKey);
  stationId = stationIdOf(this.publicKey);
  private readonly tree = new CompactRange();
  private ms = Date.parse('2026-11-24T00:00:00.000Z');

  constructor() {
    this.add('', 'station', 'station.key', {
      stationId: this.stationId,
      publicKey: this.publicKey,
      algorithm: 'ed25519',
    });
  }

  add(ceremonyId: string, actor: string, type: string, payload: Record<string, unknown>): AuditRecord {
    const body = {
      seq: this.records.length + 1,
      time: new Date((this.ms += 1000)).toISOString(),
      ceremonyId,
      stationId: this.stationId,
      actor,
      type,
      payload,
      prevHash: this.records.at(-1)?.hash ?? ZERO_HASH,
    };
    const r = { ...body, hash: computeRecordHash(body) };
    this.records.push(r);
    this.tree.append(recordLeafHash(r.hash));
    return r;
  }

  /**
   * Hands the log to a new station key, introduced by a signature of `signer` (default: the current
   * station, as the rules ask) over `prevHash` (default: the real chain head).
   */
  introduce(opts: { signer?: KeyObject; prevHash?: string; omit?: boolean } = {}): void {
    const previous = { key: this.stationKey.privateKey, id: this.stationId };
    this.stationKey = generateKeyPairSync('ed25519');
    this.publicKey = publicKeyToBase64(this.stationKey.publicKey);
    this.stationId = stationIdOf(this.publicKey);
    const digest = stationIntroductionDigest({
      stationId: this.stationId,
      publicKey: this.publicKey,
      previousStationId: previous.id,
      prevHash: opts.prevHash ?? this.records.at(-1)?.hash ?? ZERO_HASH,
    });
    const signature = sign(null, digest, opts.signer ?? previous.key).toString('base64');
    this.add('', 'station', 'station.key', {
      stationId: this.stationId,
      publicKey: this.publicKey,
      algorithm: 'ed25519',
      ...(opts.omit ? {} : { introduction: { stationId: previous.id, signature } }),
    });
  }

  checkpoint(
    ceremonyId: string,
    cosigners: Array<{ signer: string; key: KeyObject; publicKey: string }> = [],
  ): SignedCheckpoint {
    const body = {
      version: 1 as const,
      ceremonyId,
      stationId: this.stationId,
      treeSize: this.tree.size,
      rootHash: this.tree.root().toString('hex'),
      time: new Date((this.ms += 1000)).toISOString(),
    };
    const digest = checkpointDigest(body);
    const cp: SignedCheckpoint = {
      ...body,
      stationPublicKey: this.publicKey,
      stationSignature: sign(null, digest, this.stationKey.privateKey).toString('base64'),
      cosignatures: cosigners.map((c) => ({
        signer: c.signer,
        publicKey: c.publicKey,
        signature: sign(null, digest, c.key).toString('base64'),
      })),
    };
    this.checkpoints.push(cp);
    this.add(ceremonyId, 'station', 'audit.checkpoint', {
      treeSize: cp.treeSize,
      rootHash: cp.rootHash,
      time: cp.time,
      stationSignature: cp.stationSignature,
      cosigners: cosigners.map((c) => c.signer),
    });
    return cp;
  }
}

export function custodian(name: string): { signer: string; key: KeyObject; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return { signer: name, key: pair.privateKey, publicKey: publicKeyToBase64(pair.publicKey) };
}
