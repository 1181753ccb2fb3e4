import { KeyriteError } from '../../../src-shared/errors.js';
import { SecretBuffer } from '../../../src-shared/secret-buffer.js';
import type { ComponentSource, PrivateNotice } from '../../ceremony/engine-options.js';

interface Pending {
  custodianId: string;
  bytes: number;
  resolve: (s: SecretBuffer) => void;
}

/**
 * Split knowledge at the station: the engine asks for each custodian's component in turn (the
 * running generate-material step waits); the custodian types it in the app, which hands it here;
 * the engine then tells that custodian alone the component's check value, which goes back in the
 * reply to their own entry and nowhere else (not in events, not in the view, not in the log).
 */
export class ComponentDesk {
  #pending: Pending | null = null;
  readonly #notices = new Map<string, (message: string) => void>();

  constructor(private readonly onChange: () => void) {}

  get awaiting(): { custodianId: string; bytes: number } | undefined {
    return this.#pending ? { custodianId: this.#pending.custodianId, bytes: this.#pending.bytes } : undefined;
  }

  readonly source: ComponentSource = (custodianId, length) =>
    new Promise<SecretBuffer>((resolve) => {
      this.#pending = { custodianId, bytes: length, resolve };
      this.onChange();
    });

  readonly notice: PrivateNotice = (custodianId, message) => {
    this.#notices.get(custodianId)?.(message);
    this.#notices.delete(custodianId);
  };

  /** Hands a component to the waiting step; resolves with that custodian's private check value. */
  async provide(
    custodianId: string,
    component: Uint8Array,
  ): Promise<{ custodianId: string; checkValue: string }> {
    const p = this.#pending;
    if (!p)
      throw new KeyriteError(
        'NO_COMPONENT_REQUESTED',
        'No component is being asked for now.',
        'Run the generate-material step first.',
      );
    if (p.custodianId !== custodianId) {
      throw new KeyriteError(
        'NOT_YOUR_TURN',
        `The station is waiting for ${p.custodianId}'s component.`,
        `Let ${p.custodianId} enter theirs first.`,
      );
    }
    if (component.length !== p.bytes) {
      throw new KeyriteError(
        'COMPONENT_LENGTH',
        `A component is ${p.bytes} bytes: ${p.bytes * 2} hex digits.`,
        'Check the component and enter it again.',
      );
    }
    // The bytes (decoded from hex in the renderer) are copied into a SecretBuffer and zeroed at once.
    const secret = SecretBuffer.adopt(component);
    const notice = new Promise<string>((resolve) => this.#notices.set(custodianId, resolve));
    this.#pending = null;
    p.resolve(secret);
    const message = await notice;
    this.onChange();
    return { custodianId, checkValue: message.replace(/^component check value\s*/, '') };
  }
}
