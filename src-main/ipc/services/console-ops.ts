import { KeyriteError } from '../../../src-shared/errors.js';
import type { consoleRequestView as consoleRequestSchema } from '../../../src-shared/ipc/station-contract.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import type { ConsoleRequestInfo } from '../../ceremony/console-request.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { CeremonyHost } from './ceremony-host.js';
import type { z } from 'zod';

type ConsoleOps = 'ceremony.startOfflineFromConsole' | 'bundle.readConsoleRequest';

/** A console request as the room sees it: no signature, so its digest and wrapping key are what people compare. */
export function consoleRequestView(r: ConsoleRequestInfo): z.output<typeof consoleRequestSchema> {
  return {
    source: r.source,
    digest: r.requestDigest,
    digestWords: toWords(r.requestDigest),
    keyId: r.keyId,
    ...(r.keyArn ? { keyArn: r.keyArn } : {}),
    wrappingKeySpec: r.wrappingKeySpec,
    wrappingKey: { hex: r.wrappingKeyFingerprint, words: r.wrappingKeyWords },
    validTo: r.validTo,
    algorithm: r.algorithm,
    algorithmStated: r.algorithmStated,
  };
}

/**
 * The offline station's request from the AWS console or the AWS CLI (ImportParameters.zip, or the JSON
 * of `aws kms get-parameters-for-import`): the file is chosen in main's dialog, so the renderer never
 * holds its bytes; the engine checks it against the plan and records it, or records its refusal.
 */
export function consoleOps(
  host: CeremonyHost,
  ports: Pick<ShellPorts, 'chooseFiles'>,
): Pick<KeyriteServices, ConsoleOps> {
  return {
    'ceremony.startOfflineFromConsole': async () => {
      const svc = await host.startOfflineFromConsole();
      return svc ? { status: 'chosen', value: host.view() } : { status: 'cancelled' };
    },
    'bundle.readConsoleRequest': async () => {
      const svc = host.require();
      if (svc.stationRole !== 'offline' || svc.bundleDue() !== 'read-request')
        throw new KeyriteError(
          'BUNDLE_NOT_DUE',
          'This station expects no request now.',
          'A request from the AWS console or CLI starts the offline station’s half.',
        );
      const file = (await ports.chooseFiles('console-request'))?.[0];
      if (!file) return { status: 'cancelled' };
      return { status: 'chosen', value: consoleRequestView(await svc.readConsoleRequest(file)) };
    },
  };
}
