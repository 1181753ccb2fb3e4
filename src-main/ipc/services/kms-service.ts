import type { KmsPort } from '../../kms/kms-port.js';
import type { ResponseOf } from '../../../src-shared/ipc/index.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { CeremonyHost } from './ceremony-host.js';
import type { Emulators } from './emulators.js';
import { isEmulatorCaller } from '../../audit/recorded-environment.js';

type StationIdentity = ResponseOf<'kms.identity'>;

/**
 * Who the station would act as, for witnesses to check against the plan. With a ceremony loaded it asks
 * through the plan's own cloud (the same port, credentials and endpoint the steps use), so a Huawei plan
 * is checked against its project; before any plan, the AWS identity (STS GetCallerIdentity).
 */
export function kmsService(
  ports: ShellPorts,
  emulators: Emulators,
  host: CeremonyHost,
): Pick<KeyriteServices, 'kms.identity'> {
  return {
    'kms.identity': async () => {
      host.refuseKmsIfOffline();
      const plan = host.current?.plan;
      if (plan) {
        const port = await host.portFor(plan);
        try {
          return await identityThrough(port, plan.target.provider, plan.target.region);
        } finally {
          port.close();
        }
      }
      const endpoint =
        ports.kmsEndpoint ?? (ports.mode === 'rehearsal' ? await emulators.urlFor(ports.region) : undefined);
      const { createKmsGateway } = await import('../../kms/kms-gateway.js');
      const gateway = createKmsGateway({ region: ports.region, ...(endpoint ? { endpoint } : {}) });
      try {
        const id = await gateway.callerIdentity();
        return {
          provider: 'aws',
          ...endpointOf('aws', endpoint, id.arn),
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

async function identityThrough(
  port: KmsPort,
  provider: StationIdentity['provider'],
  region: string,
): Promise<StationIdentity> {
  const id = await port.callerIdentity();
  return {
    provider,
    ...endpointOf(provider, port.endpoint, id.arn ?? id.principal ?? ''),
    region,
    account: id.account,
    ...(id.arn ? { arn: id.arn } : {}),
    ...(id.principal ? { principal: id.principal.slice(0, 1024) } : {}),
  };
}

/**
 * An endpoint override is a Keyrite emulator only if it answered as one (the embedded one in rehearsal
 * mode, or `keyrite emulator`); any other is the operator's own endpoint and is named as such.
 */
function endpointOf(
  provider: StationIdentity['provider'],
  url: string | undefined,
  caller: string,
): Pick<StationIdentity, 'endpoint' | 'endpointUrl'> {
  if (!url) return { endpoint: provider };
  return { endpoint: isEmulatorCaller(provider, caller) ? 'emulator' : 'other', endpointUrl: shownUrl(url) };
}

/** The endpoint as the screen may show it: no user, password, query or fragment (they can hold tokens). */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`.slice(0, 2048);
  } catch {
    return '(an endpoint that is not a URL)';
  }
}
