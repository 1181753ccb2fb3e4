import { KeyriteError } from '../../src-shared/errors.js';
import type { SecretBuffer } from '../../src-shared/secret-buffer.js';

/** Which backup the opened shares belong to: every share must name the same one. */
export interface ShareSource {
  ceremonyId: string;
  materialKcv: string;
  threshold: number;
}

/**
 * The secrets a ceremony holds at a moment, and their one owner: the key material between the step
 * that makes it and the wrap step, and backup shares custodians opened for reconstitution. Nothing
 * here survives a restart (the log never holds it); `dispose` zeroes all of it, on every error path
 * and at the close.
 */
export class SecretsInHand {
  #material: SecretBuffer | null = null;
  readonly #shares = new Map<string, SecretBuffer>();
  #shareSource: ShareSource | null = null;

  /** The material, if it is still in memory. */
  get material(): SecretBuffer | null {
    return this.#material && !this.#material.disposed ? this.#material : null;
  }

  /** The material a step needs; refused when a restart or an error took it away. */
  requireMaterial(): SecretBuffer {
    const m = this.material;
    if (!m)
      throw new KeyriteError(
        'MATERIAL_NOT_IN_MEMORY',
        'the key material is no longer in memory',
        'reopen the ceremony: it will account for the loss and regenerate while the key is still pending import',
      );
    return m;
  }

  /** Takes custody of new material; whatever was held before is zeroed. */
  holdMaterial(m: SecretBuffer): void {
    this.disposeMaterial();
    this.#material = m;
  }

  disposeMaterial(): void {
    this.#material?.dispose();
    this.#material = null;
  }

  get shareSource(): ShareSource | null {
    return this.#shareSource;
  }

  get sharesOpened(): number {
    return this.#shares.size;
  }

  /** Holds a custodian's opened share (replacing one they opened before); the first share names the backup. */
  holdShare(holder: string, share: SecretBuffer, source: ShareSource): void {
    this.#shares.get(holder)?.dispose();
    this.#shares.set(holder, share);
    this.#shareSource ??= source;
  }

  /** The opened shares, lent for reconstitution; still owned (and disposed) here. */
  openedShares(): SecretBuffer[] {
    return [...this.#shares.values()];
  }

  disposeShares(): void {
    for (const s of this.#shares.values()) s.dispose();
    this.#shares.clear();
    this.#shareSource = null;
  }

  dispose(): void {
    this.disposeMaterial();
    this.disposeShares();
  }
}
