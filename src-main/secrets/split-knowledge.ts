import { KeyriteError } from '../../src-shared/errors.js';
import { SecretBuffer } from '../../src-shared/secret-buffer.js';

/**
 * Split knowledge: each custodian holds one component; the key is their XOR, so any set short of all of
 * them says nothing about it. The components are disposed here, whatever happens.
 */
export function combineComponents(components: readonly SecretBuffer[]): SecretBuffer {
  try {
    const first = components[0];
    if (!first || components.length < 2)
      throw new KeyriteError(
        'SPLIT_KNOWLEDGE_COMPONENTS',
        'split knowledge needs at least two components',
        'every custodian enters a component',
      );
    const len = first.length;
    if (components.some((c) => c.length !== len))
      throw new KeyriteError(
        'SPLIT_KNOWLEDGE_LENGTH',
        'the components are not all the same length',
        `each component must be ${len} bytes`,
      );
    const out = SecretBuffer.alloc(len);
    out.use((o) => {
      for (const c of components)
        c.use((b) => {
          for (let i = 0; i < len; i++) o[i] = (o[i] as number) ^ (b[i] as number);
        });
    });
    return out;
  } finally {
    for (const c of components) c.dispose();
  }
}
