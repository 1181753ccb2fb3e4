import { existsSync } from 'node:fs';
import path from 'node:path';
import { KeyriteError } from '../../../src-shared/errors.js';
import { isStepId, type StepId } from '../../../src-shared/ceremony/state-machine.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import type { KeyriteServices } from '../services.js';
import type { CeremonyHost } from './ceremony-host.js';

type CeremonyOps = Pick<
  KeyriteServices,
  | 'ceremony.loadPlan'
  | 'ceremony.state'
  | 'ceremony.keyMaterials'
  | 'ceremony.enroll'
  | 'ceremony.confirm'
  | 'ceremony.enterComponent'
  | 'ceremony.verifyShare'
  | 'ceremony.openShare'
  | 'ceremony.runStep'
  | 'ceremony.witnessException'
  | 'ceremony.witnessSignOff'
>;

/**
 * A passphrase arrives as bytes (the contract refuses a string): they are copied into a SecretBuffer,
 * which the engine disposes, and the request's array is zeroed at once. It is never sent back.
 */
function secret(passphrase: Uint8Array): SecretBuffer {
  return SecretBuffer.adopt(passphrase);
}

function step(id: string): StepId {
  if (!isStepId(id))
    throw new KeyriteError('STEP_UNKNOWN', `There is no step ${id}.`, 'Choose a step from the timeline.');
  return id;
}

export function ceremonyOps(host: CeremonyHost): CeremonyOps {
  return {
    'ceremony.loadPlan': async () => {
      const svc = await host.start();
      return svc ? { status: 'chosen', value: host.view() } : { status: 'cancelled' };
    },
    'ceremony.state': async () => host.view(),
    'ceremony.keyMaterials': async () => {
      const listing = await host.require().keyMaterials();
      return listing ? { listing } : {};
    },
    'ceremony.enterComponent': async ({ custodianId, component }) => {
      host.require();
      return host.desk.provide(custodianId, component);
    },
    'ceremony.enroll': async ({ custodianId, passphrase }) =>
      host.require().enroll(custodianId, secret(passphrase)),
    'ceremony.confirm': async ({ stepId, custodianId, passphrase }) =>
      host.require().confirm(step(stepId), custodianId, secret(passphrase)),
    'ceremony.verifyShare': async ({ custodianId, passphrase }) => {
      const svc = host.require();
      await svc.verifyShare(custodianId, secret(passphrase));
      return host.view();
    },
    'ceremony.openShare': async ({ custodianId, passphrase }) => {
      const svc = host.require();
      const dir = svc.shareSourceDir;
      if (dir === null) {
        throw new KeyriteError(
          'NOT_EXISTING_SHARES',
          'This ceremony does not rebuild its key from backup shares now.',
          'Open shares only in a plan with material mode existing-shares, or when the ceremony asks for its own shares to wrap its material again for a replica.',
        );
      }
      // The file is found by the custodian's id in the reviewed plan's (or the ceremony's own) shares directory: the renderer names no path.
      const file = path.join(dir, `${custodianId}.share.json`);
      if (!existsSync(file)) {
        throw new KeyriteError(
          'SHARE_NOT_FOUND',
          `There is no backup share for ${custodianId} in the plan's shares directory.`,
          "Insert the medium holding this custodian's share, or let another custodian open theirs.",
        );
      }
      const r = await svc.provideShare(file, secret(passphrase));
      return { custodianId: r.holder, checkValue: r.kcv };
    },
    'ceremony.runStep': async ({ stepId }) => {
      await host.require().runStep(step(stepId));
      return host.view();
    },
    'ceremony.witnessException': async ({ stepId, witnessId, text, passphrase }) => {
      await host.require().witnessException(stepId, witnessId, text, secret(passphrase));
      return host.view();
    },
    'ceremony.witnessSignOff': async ({ witnessId, passphrase }) => {
      const svc = host.require();
      await svc.witnessSignOff(witnessId, secret(passphrase));
      return host.view();
    },
  };
}
