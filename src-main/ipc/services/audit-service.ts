import { toWords } from '../../../src-shared/words/pgp-words.js';
import { loadLog } from '../../audit/load-log.js';
import { verifyDatabase } from '../../audit/verify-database.js';
import { ceremonyPaths } from '../../ceremony/ceremony-dir.js';
import type { KeyriteServices } from '../services.js';
import type { CeremonyHost } from './ceremony-host.js';

/**
 * The current ceremony's audit log: verified with the same verifier the CLI and auditors use (read-only,
 * from the file's bytes), and summarised from the open store.
 */
export function auditService(host: CeremonyHost): Pick<KeyriteServices, 'audit.verify' | 'audit.summary'> {
  return {
    'audit.verify': async () => {
      const { result } = verifyDatabase(ceremonyPaths(host.directory).auditDb);
      return result.ok
        ? { intact: true, records: result.recordCount, checkpoints: result.checkpointCount }
        : {
            intact: false,
            records: 0,
            checkpoints: 0,
            firstBad: { seq: result.firstBadSeq, reason: result.reason.slice(0, 512) },
          };
    },
    'audit.summary': async () => {
      // Read-only, from the file: what an auditor would read, not the writer's in-memory view.
      const log = loadLog(ceremonyPaths(host.directory).auditDb);
      const last = log.records.at(-1);
      const cp = log.checkpoints.at(-1);
      return {
        records: log.records.length,
        ...(last ? { headHash: last.hash, headWords: toWords(last.hash) } : {}),
        ...(cp
          ? {
              lastCheckpoint: {
                treeSize: cp.treeSize,
                rootHash: cp.rootHash,
                rootWords: toWords(cp.rootHash),
                time: cp.time,
              },
            }
          : {}),
        recent: log.records
          .slice(-20)
          .reverse()
          .map((r) => ({ seq: r.seq, time: r.time, type: r.type, actor: r.actor })),
      };
    },
  };
}
