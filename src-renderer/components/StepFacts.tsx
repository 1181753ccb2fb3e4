import type { StepFacts as Facts } from '../../src-shared/ipc/schemas.js';
import { Fact } from './Fact.js';
import { keyNameLabel, type Provider } from './cloud-terms.js';

/** What a step will do, in the terms custodians confirm and witnesses compare. */
export function StepFacts({ facts, provider }: { facts: Facts; provider?: Provider | undefined }) {
  const any = Object.values(facts).some((v) => v !== undefined);
  if (!any)
    return (
      <p className="muted">This step has no key facts yet; they appear once the step before it has run.</p>
    );
  return (
    <dl className="facts">
      <Fact label={keyNameLabel(provider)} value={facts.keyArn} testId="fact-key-arn" />
      <Fact label="Key ID" value={facts.keyId} />
      <Fact label="Region" value={facts.region} />
      <Fact label="Wrapping algorithm" value={facts.algorithm} testId="fact-algorithm" />
      <Fact label="Key spec" value={facts.keySpec} />
      <Fact
        label="Wrapping key fingerprint (SHA-256)"
        value={facts.wrappingKeyFingerprint}
        words={facts.wrappingKeyFingerprintWords}
        testId="fact-fingerprint"
      />
      <Fact label="Key check value" value={facts.kcv} words={facts.kcvWords} testId="fact-kcv" />
      <Fact label="Valid to" value={facts.validTo} />
      <Fact label="Note" value={facts.note} />
    </dl>
  );
}
