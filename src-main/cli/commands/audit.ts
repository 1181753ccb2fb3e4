import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { toPgpWords } from '../../../src-shared/words/pgp-words.js';
import { loadLog } from '../../audit/load-log.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../audit/report.js';
import { verifyDatabase } from '../../audit/verify-database.js';
import { writeNewFileAtomic } from '../../media/new-file.js';

/** Reports and checkpoints hold no secret and are meant to be handed to auditors. */
const REPORT_MODE = 0o644;
import { type CliIO, type Command, reportError, usageError } from '../io.js';

const verifyUsage = `keyrite audit verify DB [--checkpoint FILE]

Checks a ceremony log from its bytes alone (read-only, no station key needed): hash chain, Merkle
tree, checkpoint signatures and co-signatures, record schemas. With --checkpoint, also proves the log
extends a checkpoint you kept earlier (keyrite audit checkpoint). Exit 0 intact, 1 anything wrong
(the first bad record and why), 2 unreadable.

  --checkpoint FILE   a checkpoint saved earlier, which the log must extend

example:
  keyrite audit verify ceremony/audit.db --checkpoint kept-checkpoint.json`;

const exportUsage = `keyrite audit export DB --format jsonl|csv|html --out FILE

Writes the log as JSON lines (one record or checkpoint per line), CSV (one record per row, safe to
open in a spreadsheet) or a self-contained HTML report that prints well. Verifies first and says so
in the report; exit 1 if the log fails verification. Never overwrites.

  --format F   jsonl | csv | html
  --out FILE   the file to write

example:
  keyrite audit export ceremony/audit.db --format html --out report.html`;

const checkpointUsage = `keyrite audit checkpoint DB --out FILE

Writes the newest signed checkpoint (tree size, Merkle root in hex and words, station signature and
custodian co-signatures) for an auditor to keep and pass to keyrite audit verify --checkpoint later.

  --out FILE   the file to write (never overwritten)

example:
  keyrite audit checkpoint ceremony/audit.db --out kept-checkpoint.json`;

const usage = `${verifyUsage.split('\n\n')[0]}
${exportUsage.split('\n\n')[0]}
${checkpointUsage.split('\n\n')[0]}

  verify      checks the log from its bytes alone; exit 0 intact, 1 anything wrong, 2 unreadable
  export      writes the log as JSON lines, CSV or a self-contained HTML report
  checkpoint  writes the newest signed checkpoint, for an auditor to keep

keyrite audit verify --help (export, checkpoint) explains each.`;

function readCheckpointFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KeyriteError(
      'CHECKPOINT_UNREADABLE',
      `cannot read checkpoint file ${file}`,
      'pass the file written by keyrite audit checkpoint',
      { cause: e },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: verification reports it as a malformed trusted checkpoint (exit 1).
    return { malformed: true };
  }
}

function verify(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    options: { checkpoint: { type: 'string' } },
    allowPositionals: true,
  });
  const [db, ...extra] = positionals;
  if (db === undefined || extra.length > 0) throw usageError('audit verify takes one database path', usage);
  let trusted: unknown;
  let outcome;
  try {
    trusted = values.checkpoint === undefined ? undefined : readCheckpointFile(values.checkpoint);
    outcome = verifyDatabase(db, trusted);
  } catch (e) {
    return reportError(io, e, 2);
  }
  const { result, warnings, badRecord } = outcome;
  for (const w of warnings) io.err(`keyrite: warning: ${w}`);
  if (!result.ok) {
    io.out(`audit log FAILED verification: ${db}`);
    io.out(
      result.firstBadSeq > 0
        ? `  first bad record: ${result.firstBadSeq}`
        : '  problem is not tied to one record',
    );
    io.out(`  why: ${result.reason}`);
    if (badRecord) {
      // As stored, which may itself be the altered part; JSON quoting keeps control characters visible.
      io.out(
        `  as stored: time ${JSON.stringify(badRecord.time)}, ceremony ${JSON.stringify(badRecord.ceremonyId)}, actor ${JSON.stringify(badRecord.actor)}, type ${JSON.stringify(badRecord.type)}`,
      );
    }
    return 1;
  }
  io.out(`audit log intact: ${db}`);
  io.out(`  records: ${result.recordCount}, signed checkpoints: ${result.checkpointCount}`);
  io.out(`  merkle root: ${result.rootHash}`);
  io.out(`  root words (first 8 bytes): ${toPgpWords(result.rootHash.slice(0, 16)).join(' ')}`);
  if (result.trustedCheckpointSize !== undefined)
    io.out(`  extends your checkpoint at tree size ${result.trustedCheckpointSize}: yes`);
  if (result.uncheckpointedTail > 0)
    io.out(
      `  note: ${result.uncheckpointedTail} record(s) after the newest checkpoint are protected by the hash chain only`,
    );
  return 0;
}

function exportLog(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [db, ...extra] = positionals;
  if (db === undefined || extra.length > 0 || !values.out || !values.format)
    throw usageError('audit export needs DB, --format and --out', usage);
  const format = values.format;
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw usageError(`unknown format ${format} (jsonl, csv, html)`, usage);
  const { result } = verifyDatabase(db);
  const log = loadLog(db);
  const text = renderReport(
    { source: db, generatedAt: new Date().toISOString(), ...log, verification: result },
    format as ReportFormat,
  );
  writeNewFileAtomic(values.out, text, REPORT_MODE);
  io.out(`wrote ${values.out} (${log.records.length} records, ${format})`);
  if (!result.ok)
    io.err(`keyrite: warning: the log FAILED verification at record ${result.firstBadSeq}: ${result.reason}`);
  return result.ok ? 0 : 1;
}

function exportCheckpoint(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' } },
    allowPositionals: true,
  });
  const [db, ...extra] = positionals;
  if (db === undefined || extra.length > 0 || !values.out)
    throw usageError('audit checkpoint needs DB and --out', usage);
  const { checkpoints } = loadLog(db);
  const newest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>(
    (m, c) => (m === undefined || c.treeSize > m.treeSize ? c : m),
    undefined,
  );
  if (!newest)
    throw new KeyriteError(
      'AUDIT_NO_CHECKPOINT',
      'the log has no signed checkpoint yet',
      'checkpoints are signed at each ceremony step boundary',
    );
  writeNewFileAtomic(values.out, canonicalString(newest) + '\n', REPORT_MODE);
  io.out(`wrote ${values.out}: tree size ${newest.treeSize}, root ${newest.rootHash}`);
  io.out(`  root words: ${toPgpWords(newest.rootHash).join(' ')}`);
  return 0;
}

export const command: Command = {
  usage,
  subcommands: { verify: verifyUsage, export: exportUsage, checkpoint: checkpointUsage },
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'verify':
        return verify(rest, io);
      case 'export':
        return exportLog(rest, io);
      case 'checkpoint':
        return exportCheckpoint(rest, io);
      default:
        return reportError(io, usageError(`unknown audit subcommand ${sub ?? '(none)'}`, usage), 2);
    }
  },
};
