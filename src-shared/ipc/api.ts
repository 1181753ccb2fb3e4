import type { EventOf, RequestOf, ResponseOf } from './contract.js';
import { failure, isIpcResult, type IpcResult } from './envelope.js';
import {
  eventChannel,
  eventNames,
  operationChannel,
  operationNames,
  type EventName,
  type OperationName,
} from './names.js';

/**
 * The core of the preload: builds `window.keyrite` from the contract's names over a transport. In
 * Electron the transport is ipcRenderer; in the test harness it is a loopback HTTP transport. The same
 * function runs in both, so what the e2e suite exercises is what ships.
 */
export interface IpcTransport {
  invoke(channel: string, request: unknown): Promise<unknown>;
  /** Returns a disposer that removes exactly this listener. */
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

type DomainOf<N> = N extends `${infer D}.${string}` ? D : never;

export type KeyriteApi = {
  readonly [D in DomainOf<OperationName>]: {
    readonly [N in OperationName as N extends `${D}.${infer M}` ? M : never]: (
      request: RequestOf<N>,
    ) => Promise<IpcResult<ResponseOf<N>>>;
  };
} & {
  readonly events: {
    on<E extends EventName>(name: E, listener: (payload: EventOf<E>) => void): () => void;
  };
};

export function buildKeyriteApi(transport: IpcTransport): KeyriteApi {
  const domains: Record<string, Record<string, (request: unknown) => Promise<IpcResult<unknown>>>> = {};
  for (const name of operationNames) {
    const [domain, method] = name.split('.') as [string, string];
    const channel = operationChannel(name);
    domains[domain] ??= {};
    domains[domain][method] = async (request: unknown) => {
      try {
        const result = await transport.invoke(channel, request);
        if (isIpcResult(result)) return result;
        return failure(
          'IPC_BAD_RESPONSE',
          'The main process sent a reply the app does not understand.',
          'Restart Keyrite.',
        );
      } catch {
        // The transport's own error may carry internals; the renderer gets a fixed message.
        return failure('IPC_TRANSPORT', 'The request did not reach the main process.', 'Restart Keyrite.');
      }
    };
  }
  const known = new Set<string>(eventNames);
  const events = {
    on(name: string, listener: (payload: unknown) => void): () => void {
      if (!known.has(name) || typeof listener !== 'function') throw new TypeError('unknown event');
      // Listeners receive the payload only, never the transport's event object (which in Electron
      // would hand the renderer a reference to ipcRenderer).
      return transport.subscribe(eventChannel(name as EventName), (payload) => listener(payload));
    },
  };
  for (const d of Object.values(domains)) Object.freeze(d);
  return Object.freeze({ ...domains, events: Object.freeze(events) }) as unknown as KeyriteApi;
}
