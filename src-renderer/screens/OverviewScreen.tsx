import { ErrorNotice } from '../components/ErrorNotice.js';
import { Fact } from '../components/Fact.js';
import { Loading } from '../components/Loading.js';
import { useOperation } from '../ipc/use-operation.js';
import { capitalized, cloudName, ownerWord } from '../components/cloud-terms.js';

/**
 * The station at a glance: who this station is, which cloud identity it would act as (the loaded plan's
 * cloud; AWS before any plan).
 */
export function OverviewScreen() {
  const info = useOperation((k) => k.app.info({}));
  const identity = useOperation((k) => k.kms.identity({}));
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Station</h1>
      <div className="cards">
        <article className="card">
          <h2>This station</h2>
          {info.loading ? <Loading what="station facts" /> : null}
          {info.error ? <ErrorNotice error={info.error} /> : null}
          {info.data ? (
            <dl className="facts" data-testid="station-facts">
              <Fact label="Version" value={info.data.version} />
              <Fact label="Mode" value={info.data.mode} />
              <Fact label="Station ID" value={info.data.stationId} />
              <Fact label="Station key fingerprint" value={info.data.stationKeyFingerprint} />
              <Fact label="Data directory" value={info.data.dataDirectory} />
            </dl>
          ) : null}
        </article>
        <article className="card">
          <h2>{identity.data?.provider === 'huawei' ? 'Huawei Cloud identity' : 'AWS identity'}</h2>
          <p className="muted">Witnesses check the account or project before anything is imported.</p>
          {identity.loading ? <Loading what="the cloud identity" /> : null}
          {identity.error ? <ErrorNotice error={identity.error} /> : null}
          {identity.data ? (
            <dl className="facts" data-testid="kms-identity">
              <Fact
                label="Endpoint"
                value={
                  identity.data.endpoint === 'emulator'
                    ? `Keyrite KMS emulator at ${identity.data.endpointUrl ?? ''} (rehearsal: no real key is made)`
                    : identity.data.endpoint === 'other'
                      ? `Another endpoint: ${identity.data.endpointUrl ?? ''}, not the ${cloudName(identity.data.provider)} regional endpoint`
                      : cloudName(identity.data.provider)
                }
              />
              <Fact label={capitalized(ownerWord(identity.data.provider))} value={identity.data.account} />
              <Fact label="Principal" value={identity.data.arn ?? identity.data.principal} />
              <Fact label="Region" value={identity.data.region} />
            </dl>
          ) : null}
          <button type="button" onClick={identity.reload}>
            Check again
          </button>
        </article>
      </div>
    </section>
  );
}
