import { openSqlitePersister } from './sqlite-persister.js';

/**
 * Copies every key, alias and outstanding import parameter of the `sources` state files into
 * `target`. Used once when state kept in one file per region (before one emulator served every
 * region) is brought into the account's single file. Writes are upserts, so running it again after
 * an interruption repeats nothing twice; the caller retires the sources only after it returns.
 */
export function mergeStateFiles(target: string, sources: readonly string[]): void {
  const into = openSqlitePersister(target);
  try {
    for (const source of sources) {
      const from = openSqlitePersister(source);
      try {
        const { keys, aliases, params, grants } = from.load();
        for (const k of keys) into.saveKey(k);
        for (const a of aliases) into.saveAlias(a);
        for (const p of params) into.saveParams(p);
        for (const g of grants) into.saveGrant(g);
        for (const k of keys) for (const m of k.materials) m.bytes?.fill(0);
        for (const p of params) p.privateKeyDer.fill(0);
      } finally {
        from.close();
      }
    }
  } finally {
    into.close();
  }
}
