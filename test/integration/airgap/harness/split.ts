// Two stations of a split ceremony in one test process: the online one against the emulator, the
// offline one with no KMS port at all, bundles passing through a shared "medium" directory.
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SecretBuffer } from '../../../../src-shared/secret-buffer.js';
import { ephemeralStationKey, type StationKey } from '../../../../src-main/audit/station-key.js';
import { defaultRehearsalPlan } from '../../../../src-main/ceremony/default-plan.js';
import { CeremonyService } from '../../../../src-main/ceremony/ceremony-service.js';
import type { EngineOptions } from '../../../../src-main/ceremony/engine-options.js';
import { createKmsGateway } from '../../../../src-main/kms/kms-gateway.js';
import { kmsPortFromGateway } from '../../../../src-main/kms/aws-kms-port.js';
import { OFFLINE_KMS_PORT } from '../../../../src-main/kms/offline-kms-port.js';
import type { KmsPort } from '../../../../src-main/kms/kms-port.js';
import {
  runStationHalf,
  type HalfOptions,
  type HalfResult,
} from '../../../../src-main/airgap/station-half.js';
import { RehearsalCustodians } from '../../../../src-main/cli/rehearsal-custodians.js';
import { TEST_SCRYPT } from '../../ceremony/harness/ceremony.js';

export function splitPlan(over: Record<string, unknown> = {}): Record<string, unknown> {
  const plan = defaultRehearsalPlan() as Record<string, unknown>;
  return { ...plan, stations: 'split', ...over };
}

export class SplitRoom {
  readonly dirs: { online: string; offline: string; media: string };
  readonly keys: { online: StationKey; offline: StationKey } = {
    online: ephemeralStationKey(),
    offline: ephemeralStationKey(),
  };
  readonly lines: string[] = [];
  readonly people: RehearsalCustodians;

  constructor(
    root: string,
    readonly endpoint: string,
    readonly planDoc: Record<string, unknown> = splitPlan(),
    readonly clock?: () => Date,
  ) {
    this.dirs = {
      online: path.join(root, 'online'),
      offline: path.join(root, 'offline'),
      media: path.join(root, 'media'),
    };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
    // Custodians and witnesses: each enrolls a key under their own passphrase.
    const people = planDoc['participants'] as { custodians: { id: string }[]; witnesses?: { id: string }[] };
    const ids = [...people.custodians, ...(people.witnesses ?? [])].map((c) => c.id);
    this.people = RehearsalCustodians.generate(ids);
  }

  engine(role: 'online' | 'offline'): EngineOptions {
    return {
      scryptCost: TEST_SCRYPT,
      componentSource: async (_id, length) => SecretBuffer.adopt(randomBytes(length)),
      stationKey: this.keys[role],
      ...(this.clock ? { clock: this.clock } : {}),
    };
  }

  kms(): KmsPort {
    return kmsPortFromGateway(createKmsGateway({ region: 'us-east-1', endpoint: this.endpoint }));
  }

  half(role: 'online' | 'offline', over: Partial<HalfOptions> = {}): Promise<HalfResult> {
    return runStationHalf({
      role,
      dir: this.dirs[role],
      planDoc: this.planDoc,
      planBase: this.dirs[role],
      kms: role === 'online' ? this.kms() : OFFLINE_KMS_PORT,
      media: this.dirs.media,
      engine: this.engine(role),
      people: { passphrase: async (id) => this.people.passphrase(id), say: (l) => this.lines.push(l) },
      signOff: async () => true,
      ...over,
    });
  }

  /** Reopens a station's ceremony (to read a bundle by hand, or to look at its log). */
  open(role: 'online' | 'offline'): Promise<CeremonyService> {
    return CeremonyService.open({
      dir: this.dirs[role],
      kms: role === 'online' ? this.kms() : OFFLINE_KMS_PORT,
      options: this.engine(role),
    });
  }
}
