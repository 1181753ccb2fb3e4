import type { z } from 'zod';
import {
  failure,
  operationChannel,
  operationNames,
  operations,
  success,
  type IpcResult,
  type OperationName,
} from '../../src-shared/ipc/index.js';
import type { SenderCheck, SenderEventLike } from './sender.js';
import type { KeyriteServices } from './services.js';
import { toFailure } from './to-failure.js';
import { plainDataSize, wipeBytes } from './request-data.js';

/** The part of Electron's ipcMain the handlers need; the e2e harness provides its own. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface HandlerOptions {
  /** Called for every refused or failed call, for the station's diagnostics; never given payloads. */
  onRefused?: (operation: OperationName, code: string) => void;
}

/**
 * Registers one handler per contract operation. Order of checks: sender, size, schema, service,
 * response schema. Returns a disposer that removes every handler it added.
 */
export function registerHandlers(
  ipcMain: IpcMainLike,
  services: KeyriteServices,
  isTrustedSender: SenderCheck,
  options: HandlerOptions = {},
): () => void {
  for (const name of operationNames) {
    ipcMain.handle(operationChannel(name), async (event, ...args) => {
      const result = await dispatch(name, services, isTrustedSender, event, args);
      if (!result.ok) options.onRefused?.(name, result.error.code);
      return result;
    });
  }
  return () => {
    for (const name of operationNames) ipcMain.removeHandler(operationChannel(name));
  };
}

/**
 * One call, checked and served. Secret fields arrive as byte arrays: the service copies them into
 * SecretBuffers, and whatever happened, every byte array of the request is zeroed before the answer goes.
 */
export async function dispatch(
  name: OperationName,
  services: KeyriteServices,
  isTrustedSender: SenderCheck,
  event: SenderEventLike,
  args: unknown[],
): Promise<IpcResult<unknown>> {
  try {
    return await checkedCall(name, services, isTrustedSender, event, args);
  } finally {
    wipeBytes(args);
  }
}

async function checkedCall(
  name: OperationName,
  services: KeyriteServices,
  isTrustedSender: SenderCheck,
  event: SenderEventLike,
  args: unknown[],
): Promise<IpcResult<unknown>> {
  if (!isTrustedSender(event)) {
    return failure(
      'IPC_UNTRUSTED_SENDER',
      'This request did not come from a Keyrite window.',
      'Only the Keyrite app itself may ask for this.',
    );
  }
  const spec = operations[name] as { request: z.ZodType; response: z.ZodType; maxRequestBytes: number };
  if (args.length !== 1) {
    return failure(
      'IPC_BAD_REQUEST',
      `${name} takes exactly one argument.`,
      'This is a bug in the caller, not in your data.',
    );
  }
  const size = plainDataSize(args[0], spec.maxRequestBytes);
  if (size === null) {
    return failure(
      'IPC_BAD_REQUEST',
      `The request for ${name} is not plain data.`,
      'This is a bug in the caller, not in your data.',
    );
  }
  if (size > spec.maxRequestBytes) {
    return failure(
      'IPC_PAYLOAD_TOO_LARGE',
      `The request for ${name} is ${size} bytes; at most ${spec.maxRequestBytes} are accepted.`,
      'Shorten the text you entered.',
    );
  }
  const parsed = spec.request.safeParse(args[0]);
  if (!parsed.success) {
    // The field path is safe to show; the offending value is not echoed (it may be a passphrase).
    const where = parsed.error.issues[0]?.path.join('.') || 'request';
    return failure(
      'IPC_BAD_REQUEST',
      `The request for ${name} is malformed at "${where}".`,
      'Check the fields and try again.',
    );
  }
  let value: unknown;
  try {
    const service = services[name] as (request: unknown) => Promise<unknown>;
    value = await service(parsed.data);
  } catch (error) {
    const f = toFailure(error);
    return failure(f.code, f.message, f.hint);
  }
  const out = spec.response.safeParse(value);
  if (!out.success) {
    return failure(
      'IPC_BAD_RESPONSE',
      `Keyrite produced an answer for ${name} it refuses to show.`,
      'Report this; the audit log has the details.',
    );
  }
  return success(out.data);
}
