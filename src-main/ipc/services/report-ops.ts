import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { saveNewFile } from './save-new-file.js';
import type { KeyriteServices } from '../services.js';
import type { ShellPorts } from '../shell-ports.js';
import type { CeremonyHost } from './ceremony-host.js';

/** A report holds no secret and is meant to be handed on. */
const REPORT_MODE = 0o644;

/**
 * The ceremony's report leaving the station: written first into the ceremony's own directory from the
 * log, then saved — as HTML, or printed to PDF by Chromium — where the operator chooses in main's
 * dialog (the renderer names no path). Nothing is overwritten, and each copy is recorded in the log
 * with its digest, so the log says which bytes left and where.
 */
export function reportOps(
  host: CeremonyHost,
  ports: Pick<ShellPorts, 'printToPdf'>,
): Pick<KeyriteServices, 'ceremony.report' | 'ceremony.reportPdf'> {
  /** The report as of now, regenerated from the log into the ceremony directory. */
  const freshReport = () => {
    const svc = host.require();
    const written = svc.report();
    return { svc, written, html: readFileSync(path.join(host.directory, written.fileName)) };
  };
  const save = (dest: string, data: Buffer, format: 'html' | 'pdf') => {
    saveNewFile(dest, data, REPORT_MODE);
    const sha256 = createHash('sha256').update(data).digest('hex');
    host
      .require()
      .exports.reportExported({ format, destination: dest, fileDigest: sha256, bytes: data.length });
    return { fileName: path.basename(dest), bytes: data.length, sha256 };
  };
  return {
    'ceremony.report': async () => {
      const { svc, written, html } = freshReport();
      const dest = await host.chooseSavePath(`keyrite-${svc.ceremonyId}-report.html`);
      if (!dest) return written;
      const { fileName, bytes } = save(dest, html, 'html');
      return { fileName, bytes };
    },
    'ceremony.reportPdf': async () => {
      const { svc, html } = freshReport();
      const dest = await host.chooseSavePath(`keyrite-${svc.ceremonyId}-report.pdf`);
      if (!dest) return { status: 'cancelled' };
      const pdf = await ports.printToPdf(html.toString('utf8'));
      return { status: 'chosen', value: save(dest, pdf, 'pdf') };
    },
  };
}
