import { useEffect, useState } from 'react';
import type { AuditRecordRow, AuditWorkspace } from '../../../src-shared/ipc/audit-workspace.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, asFailure, unwrap } from '../../ipc/client.js';

export interface RecordFilters {
  ceremonyId: string;
  stepId: string;
  actor: string;
  type: string;
}

export const NO_FILTERS: RecordFilters = { ceremonyId: '', stepId: '', actor: '', type: '' };
const PAGE = 50;

const FILTERS: Array<{ key: keyof RecordFilters; label: string; from: keyof AuditWorkspace['filters'] }> = [
  { key: 'ceremonyId', label: 'Ceremony', from: 'ceremonies' },
  { key: 'stepId', label: 'Step', from: 'steps' },
  { key: 'actor', label: 'Actor', from: 'actors' },
  { key: 'type', label: 'Record type', from: 'types' },
];

/** Every record with its payload, a page at a time, narrowed by ceremony, step, actor and type. */
export function RecordList({
  workspace,
  filters,
  onFilters,
  version,
}: {
  workspace: AuditWorkspace;
  filters: RecordFilters;
  onFilters: (f: RecordFilters) => void;
  /** Changes whenever the log is opened or verified again, so the page is read again. */
  version: number;
}) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ matched: number; records: AuditRecordRow[] }>();
  const [error, setError] = useState<IpcFailure>();

  useEffect(() => setOffset(0), [filters, version]);
  useEffect(() => {
    let live = true;
    const request = {
      offset,
      limit: PAGE,
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')),
    };
    unwrap(api().audit.records(request))
      .then((p) => {
        if (!live) return;
        setPage(p);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(asFailure(e)));
    return () => {
      live = false;
    };
  }, [filters, offset, version]);

  const last = page ? Math.min(offset + PAGE, page.matched) : 0;
  return (
    <article className="card" aria-labelledby="records-title">
      <h2 id="records-title">Records</h2>
      <div className="filters" role="group" aria-label="Filters">
        {FILTERS.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`filter-${f.key}`}>{f.label}</label>
            <select
              id={`filter-${f.key}`}
              value={filters[f.key]}
              onChange={(e) => onFilters({ ...filters, [f.key]: e.target.value })}
            >
              <option value="">All</option>
              {workspace.filters[f.from].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="button" className="small" onClick={() => onFilters(NO_FILTERS)}>
          Clear the filters
        </button>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {page ? (
        <p role="status" className="muted" data-testid="records-count">
          {page.matched === 0 ? 'No record matches.' : `Records ${offset + 1}–${last} of ${page.matched}`}
        </p>
      ) : null}
      {page && page.records.length > 0 ? (
        <ol className="log-records" aria-label="Records shown">
          {page.records.map((r) => (
            <li
              key={r.seq}
              className={r.alert ? 'log-record record-alert' : 'log-record'}
              data-testid="record"
            >
              <dl className="record-meta">
                <div>
                  <dt>Record</dt>
                  <dd data-testid="record-seq">{r.seq}</dd>
                </div>
                <div>
                  <dt>Time (UTC)</dt>
                  <dd className="mono">{r.time}</dd>
                </div>
                <div>
                  <dt>Step</dt>
                  <dd data-testid="record-step">{r.stepId || '—'}</dd>
                </div>
                <div>
                  <dt>Actor</dt>
                  <dd>{r.actor}</dd>
                </div>
                <div>
                  <dt>Type</dt>
                  <dd className="mono" data-testid="record-type">
                    {r.type}
                  </dd>
                </div>
              </dl>
              <p className="record-text">{r.alert ? <strong>{r.text}</strong> : r.text}</p>
              <details>
                <summary>Payload of record {r.seq}</summary>
                <pre className="payload">{r.payload}</pre>
                <p className="muted mono break">hash {r.hash}</p>
              </details>
            </li>
          ))}
        </ol>
      ) : null}
      {page && page.matched > PAGE ? (
        <div className="button-row">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            Previous records
          </button>
          <button type="button" disabled={last >= page.matched} onClick={() => setOffset(offset + PAGE)}>
            Next records
          </button>
        </div>
      ) : null}
    </article>
  );
}
