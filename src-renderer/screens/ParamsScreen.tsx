import { useState } from 'react';
import type { ResponseOf } from '../../src-shared/ipc/contract.js';
import type { IpcFailure } from '../../src-shared/ipc/envelope.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Fact } from '../components/Fact.js';
import { cloudName } from '../components/cloud-terms.js';
import { api, asFailure, unwrap } from '../ipc/client.js';

type Summary = Extract<ResponseOf<'params.inspect'>, { status: 'chosen' }>['value'];

/** Import parameters: the person picks the files in main's dialog; this screen shows what they hold. */
export function ParamsScreen() {
  const [summary, setSummary] = useState<Summary>();
  const [error, setError] = useState<IpcFailure>();
  const [busy, setBusy] = useState(false);

  async function choose() {
    setBusy(true);
    setError(undefined);
    try {
      const r = await unwrap(api().params.inspect({}));
      if (r.status === 'chosen') setSummary(r.value);
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="params-title">
      <h1 id="params-title">Import parameters</h1>
      <p className="muted">
        Choose the ImportParameters.zip from the AWS console, the JSON from the AWS CLI, Huawei Cloud&rsquo;s
        wrappingKey_, importToken_ and README_ files (or its API&rsquo;s JSON), or a wrapping key and import
        token file. They are public; Keyrite shows what they contain and refuses expired ones.
      </p>
      <button type="button" className="primary" onClick={() => void choose()} disabled={busy}>
        Choose files…
      </button>
      {error ? <ErrorNotice error={error} /> : null}
      {summary ? (
        <article className="card" data-testid="params-summary">
          <h2>{summary.expired ? 'Expired parameters' : 'Parameters'}</h2>
          {summary.expired ? (
            <p className="notice notice-error" role="alert">
              These parameters have expired. Fetch new ones before generating any material.
            </p>
          ) : null}
          <dl className="facts">
            <Fact label="Files" value={summary.files.join(', ')} />
            <Fact label="Issued by" value={summary.provider ? cloudName(summary.provider) : undefined} />
            <Fact label="Key ID" value={summary.keyId} />
            <Fact label="Wrapping algorithm" value={summary.algorithm} />
            <Fact label="Wrapping key spec" value={summary.wrappingKeySpec} />
            <Fact
              label="Wrapping key fingerprint (SHA-256)"
              value={summary.wrappingKeyFingerprint}
              words={summary.wrappingKeyFingerprintWords}
              testId="params-fingerprint"
            />
            <Fact label="Valid to" value={summary.validTo} />
            <Fact label="Import token" value={summary.hasImportToken ? 'present' : 'missing'} />
          </dl>
        </article>
      ) : null}
    </section>
  );
}
