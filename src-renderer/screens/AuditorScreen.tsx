import { useState } from 'react';
import type { AuditWorkspace } from '../../src-shared/ipc/audit-workspace.js';
import type { IpcFailure } from '../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { api, asFailure, unwrap } from '../ipc/client.js';
import { ExportPanel } from './auditor/ExportPanel.js';
import { LogTimeline } from './auditor/LogTimeline.js';
import { KeyMaterials } from './ceremony/KeyMaterials.js';
import { NO_FILTERS, RecordList, type RecordFilters } from './auditor/RecordList.js';
import { VerificationPanel } from './auditor/VerificationPanel.js';

/**
 * The auditor workspace: any ceremony's log, chosen in main's file dialog and opened read-only. The
 * verification comes first; then the timeline, every record with its payload, and the exports.
 */
export function AuditorScreen() {
  const [workspace, setWorkspace] = useState<AuditWorkspace>();
  const [version, setVersion] = useState(0);
  const [filters, setFilters] = useState<RecordFilters>(NO_FILTERS);
  const [error, setError] = useState<IpcFailure>();
  const [busy, setBusy] = useState(false);

  function show(w: AuditWorkspace) {
    setWorkspace(w);
    setVersion((n) => n + 1);
  }

  async function open() {
    setBusy(true);
    setError(undefined);
    try {
      const r = await unwrap(api().audit.openLog({}));
      if (r.status === 'chosen') {
        setFilters(NO_FILTERS);
        show(r.value);
      }
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  async function pin(stations: string[]): Promise<IpcFailure | undefined> {
    try {
      show(await unwrap(api().audit.pinStations({ stations })));
      return undefined;
    } catch (e) {
      return asFailure(e);
    }
  }

  return (
    <section aria-labelledby="auditor-title" className="auditor">
      <h1 id="auditor-title">Auditor workspace</h1>
      <p className="muted">
        Open any ceremony&apos;s audit.db, read-only: Keyrite verifies it from its bytes before showing a
        record and writes nothing to the file or its folder, so a write-protected copy works.
      </p>
      <button type="button" className="primary" onClick={() => void open()} disabled={busy}>
        Open a ceremony log…
      </button>
      {error ? <ErrorNotice error={error} takeFocus /> : null}
      {workspace ? (
        <>
          <VerificationPanel workspace={workspace} onPin={pin} />
          <LogTimeline
            timeline={workspace.timeline}
            onShowStep={(stepId) => {
              setFilters({ ...NO_FILTERS, stepId });
              document.getElementById('records-title')?.scrollIntoView();
            }}
          />
          {(workspace.keyMaterials ?? []).map((k) => (
            <KeyMaterials
              key={k.keyArn}
              materials={k.materials}
              source={`As KMS listed them at the hand-over (record ${k.seq}, ${k.at}) for ${k.keyArn}`}
            />
          ))}
          <RecordList workspace={workspace} filters={filters} onFilters={setFilters} version={version} />
          <ExportPanel />
        </>
      ) : null}
    </section>
  );
}
