import type { ResponseOf } from '../../../src-shared/ipc/contract.js';
import { Fact } from '../../components/Fact.js';

type ConsoleRequestView = NonNullable<ResponseOf<'bundle.state'>['consoleRequest']>;
type Written = Extract<ResponseOf<'bundle.write'>, { status: 'chosen' }>['value'];

/** The sentence every room hears about a console request: nothing signs it. */
export const NO_SIGNATURE =
  'A request from the AWS console or CLI carries NO station signature: nothing proves which station or person made it. Compare its SHA-256 and the wrapping key’s fingerprint with the console (or the CLI’s output) before anyone goes on.';

/**
 * The request this offline station took from the AWS console or CLI: what people compare with the
 * console, because no signature vouches for it.
 */
export function ConsoleRequestFacts({ request: r }: { request: ConsoleRequestView }) {
  return (
    <section aria-labelledby="console-request-title" data-testid="console-request">
      <h3 id="console-request-title">Request from the AWS console or CLI ({r.source})</h3>
      <p className="notice notice-warn">{NO_SIGNATURE}</p>
      <dl className="facts">
        <Fact label="Request SHA-256" value={r.digest} words={r.digestWords} />
        <Fact label="Key" value={r.keyArn ?? r.keyId} />
        <Fact
          label={`Wrapping key (${r.wrappingKeySpec})`}
          value={r.wrappingKey.hex}
          words={r.wrappingKey.words}
        />
        <Fact label="Valid to" value={r.validTo} />
        <Fact label="Algorithm" value={r.algorithm} />
      </dl>
      <p className="muted">
        The wrapping key's fingerprint is the SHA-256 of its public key (DER): on the online side,{' '}
        <code>openssl dgst -sha256</code> of the zip's wrappingKey file, or of the CLI's PublicKey decoded
        from base64.{' '}
        {r.algorithmStated
          ? 'The request names its wrapping algorithm.'
          : "The request does not name its wrapping algorithm: the plan's is assumed, and KMS refuses the import if the console used another."}
      </p>
    </section>
  );
}

/** The response for the AWS console or CLI: the folder, its files, and the command to upload them. */
export function ConsoleResponseWritten({
  written: w,
  console: c,
}: {
  written: Written;
  console: NonNullable<Written['console']>;
}) {
  return (
    <div className="notice notice-ok" role="status" data-testid="bundle-written">
      <p className="notice-message">
        Safe to remove: the response for the AWS console or CLI is in {w.directoryName} on {w.medium}, read
        back, verified and synced.
      </p>
      <ul aria-label="Files in the folder">
        {c.files.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      <p>
        Upload EncryptedKeyMaterial.bin and ImportToken.bin in the AWS console (Key material: Upload), or run
        this in that folder:
      </p>
      <pre className="command" aria-label="Upload command">
        {c.commandLines.join('\n')}
      </pre>
      <dl className="facts">
        <Fact label="Response digest (SHA-256 of README.txt)" value={w.digest} words={w.digestWords} />
      </dl>
    </div>
  );
}
