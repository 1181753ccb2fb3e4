import { useId, useState } from 'react';
import type { z } from 'zod';
import type { stationRoleChoice } from '../../../src-shared/ipc/station-contract.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Fact } from '../../components/Fact.js';
import { Loading } from '../../components/Loading.js';
import { api } from '../../ipc/client.js';
import type { OperationState } from '../../ipc/use-operation.js';
import type { ResponseOf } from '../../../src-shared/ipc/contract.js';
import type { IpcFailure } from '../../../src-shared/ipc/envelope.js';

type Role = z.output<typeof stationRoleChoice>;

export const ROLE_TEXT: Record<Role, { name: string; what: string }> = {
  single: { name: 'Single station', what: 'the whole ceremony in one room, on this station.' },
  online: {
    name: 'Online station',
    what: 'cloud steps only: writes the request bundle, reads the response, imports.',
  },
  offline: {
    name: 'Offline station',
    what: 'no network, no credentials: reads the request, enrolls, generates and wraps, writes the response.',
  },
};

/**
 * At the start, before a plan: what this station is in the ceremony, and its own fingerprint (hex and
 * words), which the other room writes down and compares when it reads this station's first bundle.
 */
export function StationRoleCard({ station }: { station: OperationState<ResponseOf<'station.role'>> }) {
  const name = useId();
  const s = station.data;
  // The choice shows at once; main's answer (a refusal leaves the old role) follows.
  const [picked, setPicked] = useState<Role>();
  const [refusal, setRefusal] = useState<IpcFailure>();
  const shown = picked ?? s?.role;
  const choose = async (role: Role) => {
    setPicked(role);
    setRefusal(undefined);
    const r = await api().station.chooseRole({ role });
    // Refused (a ceremony in progress fixes the role): say why, and show the role main keeps.
    if (!r.ok) {
      setPicked(undefined);
      setRefusal(r.error);
    }
    station.reload();
  };
  return (
    <div className="station-role" data-testid="station-role">
      {station.loading && !s ? <Loading what="the station's role" /> : null}
      {station.error ? <ErrorNotice error={station.error} /> : null}
      {refusal ? <ErrorNotice error={refusal} takeFocus /> : null}
      <fieldset disabled={s?.locked}>
        <legend>This station's role</legend>
        {(Object.keys(ROLE_TEXT) as Role[]).map((r) => (
          <label key={r} className="radio">
            <input type="radio" name={name} value={r} checked={shown === r} onChange={() => void choose(r)} />
            <span>
              <strong>{ROLE_TEXT[r].name}</strong> — {ROLE_TEXT[r].what}
            </span>
          </label>
        ))}
      </fieldset>
      {s?.station ? (
        <dl className="facts" data-testid="station-fingerprint">
          <Fact label="This station's fingerprint" value={s.station.hex} words={s.station.words} />
        </dl>
      ) : null}
      {s?.stationProblem ? <p className="muted">Station key: {s.stationProblem}</p> : null}
      {shown === 'online' || shown === 'offline' ? (
        <p className="muted">
          Read this fingerprint aloud to the other room: they compare it when they read this station's first
          bundle, and Keyrite refuses bundles from any other station after that.
        </p>
      ) : null}
    </div>
  );
}
