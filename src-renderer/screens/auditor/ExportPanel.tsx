import { useState } from 'react';
import { AUDIT_EXPORT_FORMATS } from '../../../src-shared/ipc/audit-workspace.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';

type Format = (typeof AUDIT_EXPORT_FORMATS)[number];

const LABELS: Record<Format, string> = {
  jsonl: 'Export as JSON lines…',
  csv: 'Export as CSV…',
  html: 'Export as an HTML report…',
  pdf: 'Export as a PDF report…',
};

/** The whole log, with its verification, written where the auditor chooses (main's save dialog). */
export function ExportPanel() {
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<IpcFailure>();

  async function save(format: Format) {
    setBusy(true);
    setError(undefined);
    setSaved(undefined);
    try {
      const r = await unwrap(api().audit.exportLog({ format }));
      if (r.status === 'chosen')
        setSaved(`Saved ${r.value.fileName} (${r.value.format.toUpperCase()}, ${r.value.bytes} bytes).`);
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="muted">
        Every record and checkpoint, with the verification result. Nothing is overwritten.
      </p>
      <div className="button-row">
        {AUDIT_EXPORT_FORMATS.map((f) => (
          <button key={f} type="button" disabled={busy} onClick={() => void save(f)}>
            {LABELS[f]}
          </button>
        ))}
      </div>
      <p role="status">{saved ?? ''}</p>
      {error ? <ErrorNotice error={error} takeFocus /> : null}
    </article>
  );
}
