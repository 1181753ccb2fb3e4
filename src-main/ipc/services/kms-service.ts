import { createKmsGateway } from '../../kms/kms-gateway.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { Emulators } from './emulators.js';

/** The AWS identity the station would act as (STS GetCallerIdentity), for witnesses to check. */
export function kmsService(ports: ShellPorts, emulators: Emulators): Pick<KeyriteServices, 'kms.identity'> {
  return {
    'kms.identity': async () => {
      const endpoint =
        ports.kmsEndpoint ?? (ports.mode === 'rehearsal' ? await emulators.urlFor(ports.region) : undefined);
      const gateway = createKmsGateway({ region: ports.region, ...(endpoint ? { endpoint } : {}) });
      try {
        const id = await gateway.callerIdentity();
        return {
          endpoint: endpoint ? 'emulator' : 'aws',
          region: ports.region,
          account: id.account,
          arn: id.arn,
        };
      } finally {
        gateway.close();
      }
    },
  };
}
