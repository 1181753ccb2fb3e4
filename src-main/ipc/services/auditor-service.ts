import path from 'node:path';
import { normalizeFingerprint } from '../../../src-shared/audit/station-chain.js';
import type { AuditRecordRow } from '../../../src-shared/ipc/audit-workspace.js';
import { KeyriteError } from '../../../src-shared/errors.js';
import { type OpenedLog, openLogReadOnly } from '../../audit/opened-log.js';
import { renderReport } from '../../audit/report.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import { workspaceOf, workspaceRows } from './auditor-view.js';
import { saveNewFile } from './save-new-file.js';

/** Exports hold no secret and are meant to be handed on. */
const EXPORT_MODE = 0o644;

type AuditorOps = 'audit.openLog' | 'audit.pinStations' | 'audit.records' | 'audit.exportLog';

/**
 * The auditor workspace: any ceremony log, opened read-only through a file dialog in main (the renderer
 * never names a path), verified from its bytes, then read a page at a time and exported. One log is
 * open at a time; pinning station fingerprints verifies the same file again with them.
 */
export function auditorService(
  ports: Pick<ShellPorts, 'chooseFiles' | 'chooseSavePath' | 'printToPdf'>,
  clock: () => Date,
): Pick<KeyriteServices, AuditorOps> {
  let opened: { log: OpenedLog; rows: AuditRecordRow[]; pins: string[] } | undefined;

  const open = (file: string, pins: string[]) => {
    const log = openLogReadOnly(file, pins.length > 0 ? pins : undefined);
    opened = { log, rows: workspaceRows(log), pins };
    return workspaceOf(log, opened.rows, pins);
  };
  const current = () => {
    if (!opened)
      throw new KeyriteError(
        'AUDIT_NO_LOG_OPEN',
        'no ceremony log is open',
        'choose "Open a ceremony log…" and pick the audit.db to examine',
      );
    return opened;
  };

  return {
    'audit.openLog': async () => {
      const files = await ports.chooseFiles('audit-log');
      const file = files?.[0];
      if (!file) return { status: 'cancelled' };
      return { status: 'chosen', value: open(file, []) };
    },
    'audit.pinStations': async ({ stations }) => {
      const pins = stations.map((s) => {
        const fp = normalizeFingerprint(s);
        if (!fp)
          throw new KeyriteError(
            'STATION_FINGERPRINT_INVALID',
            `"${s.slice(0, 80)}" is not a station key fingerprint`,
            'type the 64 hex digits the station shows under "Station key" (spaces and colons are fine)',
          );
        return fp;
      });
      return open(current().log.file, [...new Set(pins)]);
    },
    'audit.records': async (f) => {
      const { rows } = current();
      const matching = rows.filter(
        (r) =>
          (f.ceremonyId === undefined || r.ceremonyId === f.ceremonyId) &&
          (f.stepId === undefined || r.stepId === f.stepId) &&
          (f.actor === undefined || r.actor === f.actor) &&
          (f.type === undefined || r.type === f.type),
      );
      return {
        matched: matching.length,
        offset: f.offset,
        records: matching.slice(f.offset, f.offset + f.limit),
      };
    },
    'audit.exportLog': async ({ format }) => {
      const { log } = current();
      const base = path.basename(log.file).replace(/\.db$/i, '') || 'audit';
      const dest = await ports.chooseSavePath(`${base}-report.${format}`);
      if (!dest) return { status: 'cancelled' };
      const input = {
        source: path.basename(log.file),
        generatedAt: clock().toISOString(),
        records: log.records,
        checkpoints: log.checkpoints,
        verification: log.verification.result,
      };
      const data =
        format === 'pdf'
          ? await ports.printToPdf(renderReport(input, 'html'))
          : Buffer.from(renderReport(input, format), 'utf8');
      saveNewFile(dest, data, EXPORT_MODE);
      return { status: 'chosen', value: { fileName: path.basename(dest), bytes: data.length, format } };
    },
  };
}
