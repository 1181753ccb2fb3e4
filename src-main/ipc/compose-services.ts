import type { KeyriteServices } from './services.js';
import type { ShellPorts } from './shell-ports.js';
import { appService } from './services/app-service.js';
import { notAvailable } from './services/not-available.js';

/**
 * The one composition of the services behind the IPC contract, used by main.ts and by the e2e
 * harness: what the harness tests is what the app runs. Returns a close function for shutdown.
 */
export async function composeServices(
  ports: ShellPorts,
): Promise<{ services: KeyriteServices; close(): Promise<void> }> {
  const services: KeyriteServices = {
    ...appService(ports, async () => ({ stationId: 'unregistered' })),
    'params.inspect': async () => notAvailable('Inspecting import parameters'),
    'audit.verify': async () => notAvailable('Audit verification'),
    'audit.summary': async () => notAvailable('The audit summary'),
    'kms.identity': async () => notAvailable('The KMS identity check'),
    'ceremony.loadPlan': async () => notAvailable('Loading a ceremony plan'),
    'ceremony.state': async () => ({ status: 'no-plan', participants: [], steps: [] }),
    'ceremony.enroll': async () => notAvailable('Custodian enrollment'),
    'ceremony.confirm': async () => notAvailable('Custodian confirmation'),
    'ceremony.runStep': async () => notAvailable('Running a ceremony step'),
    'ceremony.witnessException': async () => notAvailable('Recording a witness exception'),
    'ceremony.report': async () => notAvailable('The ceremony report'),
  };
  return { services, close: async () => {} };
}
