import type { PlanOutputView } from '../../../src-shared/ipc/ceremony-view.js';
import { Fact } from '../../components/Fact.js';

const CLOUD: Record<PlanOutputView['cloud'], { name: string; destination: string }> = {
  gcp: { name: 'Google Cloud KMS', destination: 'Import job' },
  azure: { name: 'Azure Key Vault (BYOK)', destination: 'Key exchange key' },
};

/**
 * The plan's outputs for other clouds, for the hand-over: the same witnessed material wrapped for each
 * cloud's own import, the file in the ceremony directory, its SHA-256, and the upload command word for
 * word (as the log recorded it), which the cloud's administrator runs from the ceremony directory.
 */
export function PlanOutputs({ outputs }: { outputs: readonly PlanOutputView[] }) {
  const offline = outputs[0]?.loggedOffline;
  return (
    <article className="card plan-outputs" aria-labelledby="plan-outputs-title" data-testid="plan-outputs">
      <h2 id="plan-outputs-title">Outputs for other clouds</h2>
      {offline ? (
        <p className="muted" data-testid="outputs-logged-offline">
          As logged on the offline station {offline.station}: it wrote these files beside its response bundle,
          in the folder <code>{offline.folder}</code> on the medium, and this station checked each against its
          SHA-256 when it read the response. Carry that folder to a machine with gcloud or az and run each
          command in it. The files hold the key material wrapped for that cloud only, never in the clear.
        </p>
      ) : (
        <p className="muted">
          Hand each file over with its command; run the command from the ceremony directory. The files hold
          the key material wrapped for that cloud only, never in the clear.
        </p>
      )}
      <ul className="plan-output-list">
        {outputs.map((o) => (
          <li key={o.file} aria-label={`${CLOUD[o.cloud].name}: ${o.file}`}>
            <h3>{CLOUD[o.cloud].name}</h3>
            <dl className="facts">
              <Fact label={CLOUD[o.cloud].destination} value={o.destination} />
              <Fact label="File" value={`${o.file} (${o.bytes.toLocaleString('en')} bytes)`} />
              <Fact label="SHA-256" value={o.sha256} />
              <Fact label="Wrapping method" value={o.method} />
            </dl>
            <p className="on-run">
              <strong>Upload with:</strong>
            </p>
            <pre className="command">
              <code>{o.command}</code>
            </pre>
          </li>
        ))}
      </ul>
    </article>
  );
}
