import { parseArgs } from 'node:util';
import { canonicalString } from '../../../src-shared/audit/canonical-json.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { toWords } from '../../../src-shared/words/pgp-words.js';
import { loadLog } from '../../audit/load-log.js';
import { REPORT_FORMATS, type ReportFormat, renderReport, renderReportPdf } from '../../audit/report.js';
import { verifyDatabase } from '../../audit/verify-database.js';
import { assertOutputFree, writeNewFileAtomic } from '../../media/new-file.js';

/** Reports and checkpoints hold no secret and are meant to be handed to auditors. */
const REPORT_MODE = 0o644;
import { type CliIO, type Command, reportError, usageError } from '../io.js';
import { verify, verifyUsage } from './audit-verify.js';

const exportUsage = `keyrite audit export DB --format jsonl|csv|html|pdf --out FILE

Writes the log as JSON lines (one record or checkpoint per line), CSV (one record per row, safe to
open in a spreadsheet), a self-contained HTML report that prints well, or the same report as a PDF
document. Verifies first and says so in the report; a rehearsal's report is marked as one on every
page. Exit 1 if the log fails verification. Never overwrites.

  --format F   jsonl | csv | html | pdf
  --out FILE   the file to write

example:
  keyrite audit export ceremony/audit.db --format pdf --out report.pdf`;

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

const EXPORT_FORMATS = [...REPORT_FORMATS, 'pdf'] as const;

async function exportLog(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [db, ...extra] = positionals;
  if (db === undefined || extra.length > 0 || !values.out || !values.format)
    throw usageError('audit export needs DB, --format and --out', usage);
  const format = values.format;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw usageError(`unknown format ${format} (jsonl, csv, html, pdf)`, usage);
  // Refused before the work, so a taken --out costs nothing; writeNewFileAtomic checks again.
  assertOutputFree(values.out);
  const { result } = verifyDatabase(db);
  const log = loadLog(db);
  const input = { source: db, generatedAt: new Date().toISOString(), ...log, verification: result };
  const data = format === 'pdf' ? await renderReportPdf(input) : renderReport(input, format as ReportFormat);
  writeNewFileAtomic(values.out, data, REPORT_MODE);
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
  io.out(`  root words: ${toWords(newest.rootHash)}`);
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
