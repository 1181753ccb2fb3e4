import { useEffect, useRef } from 'react';
import type { KeyIdentity } from '../../../src-shared/ipc/ceremony-view.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Fact } from '../../components/Fact.js';
import { Loading } from '../../components/Loading.js';
import { useOperation } from '../../ipc/use-operation.js';
import { capitalized, ownerWord } from '../../components/cloud-terms.js';

/** Before CreateKey: the key's identity exactly as the reviewed plan states it, and its key policy in words. */
export function KeyIdentityFacts({ identity }: { identity: KeyIdentity }) {
  return (
    <section className="key-review" aria-labelledby="key-review-title" data-testid="key-review">
      <h3 id="key-review-title">The key to be created</h3>
      <dl className="facts">
        <Fact label="Alias" value={identity.alias ?? '(none)'} />
        <Fact label="Description" value={identity.description ?? '(none)'} />
        <Fact label="Key spec" value={identity.keySpec} />
        <Fact label="Key usage" value={identity.keyUsage} />
        <Fact label={capitalized(ownerWord(identity.provider))} value={identity.accountId} />
        <Fact label="Region" value={identity.region} />
        <Fact
          label="Tags"
          value={
            identity.tags.length ? identity.tags.map((t) => `${t.key} = ${t.value}`).join('; ') : '(none)'
          }
        />
      </dl>
      <h4 className="policy-title">Key policy</h4>
      {identity.policy.map((line) => (
        <p key={line} className="key-policy">
          {line}
        </p>
      ))}
    </section>
  );
}

/**
 * The plan's account (AWS) or project (Huawei Cloud) checked against the identity this station would act
 * as in that cloud; the room ticks the review before Run is offered, and cannot while they differ.
 */
export function KeyIdentityCheck({
  identity,
  reviewed,
  onReviewed,
}: {
  identity: KeyIdentity;
  reviewed: boolean;
  onReviewed: (v: boolean) => void;
}) {
  const station = useOperation((k) => k.kms.identity({}));
  const owner = ownerWord(identity.provider);
  const matches = station.data
    ? station.data.provider === identity.provider && station.data.account === identity.accountId
    : undefined;
  // AWS names the caller by ARN; Huawei KMS has no caller-identity call, so the access key that signed.
  const caller = station.data?.arn ?? station.data?.principal;
  const box = useRef<HTMLInputElement>(null);
  // The review is the next action once the check allows it; focus comes here unless the person has
  // already moved on to something else.
  useEffect(() => {
    const at = document.activeElement;
    if (matches && (at === document.body || at?.id === 'step-title')) box.current?.focus();
  }, [matches]);
  return (
    <div className="key-check">
      {station.loading ? <Loading what="the station's cloud identity" /> : null}
      {station.error ? <ErrorNotice error={station.error} /> : null}
      {station.data ? (
        matches ? (
          <p className="notice notice-ok" data-testid="account-check">
            The station acts as {owner} <strong>{station.data.account}</strong>
            {caller ? ` (${caller})` : ''}: the plan's {owner}.
          </p>
        ) : (
          <div className="notice notice-error" role="alert" data-testid="account-check">
            <p className="notice-message">
              The station acts as {ownerWord(station.data.provider)} {station.data.account}, but the plan
              names {owner} {identity.accountId}.
            </p>
            <p className="notice-hint">
              Stop here. Use credentials for the planned {owner}, or correct and review the plan again.
            </p>
          </div>
        )
      ) : null}
      <label className="check">
        <input
          type="checkbox"
          ref={box}
          checked={reviewed}
          disabled={!matches}
          onChange={(e) => onReviewed(e.target.checked)}
          data-next-action
        />
        The room has compared this identity with the reviewed plan
      </label>
    </div>
  );
}
