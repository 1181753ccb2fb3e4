import { ErrorNotice } from '../components/ErrorNotice.js';
import { Fact } from '../components/Fact.js';
import { Loading } from '../components/Loading.js';
import { useOperation } from '../ipc/use-operation.js';

/** The station's audit log: verified in main with the same verifier auditors run. */
export function AuditScreen() {
  const summary = useOperation((k) => k.audit.summary({}));
  const verify = useOperation((k) => k.audit.verify({}));
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <div className="cards">
        <article className="card">
          <h2>Integrity</h2>
          {verify.loading ? <Loading what="the verification" /> : null}
          {verify.error ? <ErrorNotice error={verify.error} /> : null}
          {verify.data ? (
            <div data-testid="audit-verify">
              <p className={verify.data.intact ? 'badge badge-ok' : 'badge badge-bad'} role="status">
                {verify.data.intact ? 'Intact' : 'Damaged'}
              </p>
              <p>
                {verify.data.records} records, {verify.data.checkpoints} signed checkpoints.
              </p>
              {verify.data.firstBad ? (
                <p className="notice notice-error" role="alert">
                  First bad record: #{verify.data.firstBad.seq} — {verify.data.firstBad.reason}
                </p>
              ) : null}
            </div>
          ) : null}
          <button type="button" onClick={verify.reload}>
            Verify again
          </button>
        </article>
        <article className="card">
          <h2>Head</h2>
          {summary.loading ? <Loading what="the summary" /> : null}
          {summary.error ? <ErrorNotice error={summary.error} /> : null}
          {summary.data ? (
            <dl className="facts" data-testid="audit-summary">
              <Fact label="Records" value={String(summary.data.records)} />
              <Fact label="Chain head" value={summary.data.headHash} words={summary.data.headWords} />
              {summary.data.lastCheckpoint ? (
                <Fact
                  label={`Last checkpoint (size ${summary.data.lastCheckpoint.treeSize})`}
                  value={summary.data.lastCheckpoint.rootHash}
                  words={summary.data.lastCheckpoint.rootWords}
                />
              ) : null}
            </dl>
          ) : null}
        </article>
      </div>
      {summary.data && summary.data.recent.length > 0 ? (
        <article className="card">
          <h2>Recent records</h2>
          <table className="records">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
              </tr>
            </thead>
            <tbody>
              {summary.data.recent.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>{r.time}</td>
                  <td>{r.type}</td>
                  <td>{r.actor}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ) : null}
    </section>
  );
}
