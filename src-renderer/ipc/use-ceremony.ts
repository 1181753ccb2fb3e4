import { useCallback, useEffect, useRef, useState } from 'react';
import type { CeremonyView } from '../../src-shared/ipc/ceremony-view.js';
import type { EventOf } from '../../src-shared/ipc/contract.js';
import type { IpcFailure } from '../../src-shared/ipc/envelope.js';
import { api, asFailure, unwrap } from './client.js';

type Progress = EventOf<'ceremony.progress'>;

/** The ceremony as main sees it, kept current by main's events; the subscriptions end on unmount. */
export function useCeremony() {
  const [view, setViewState] = useState<CeremonyView>();
  const [error, setError] = useState<IpcFailure>();
  const [progress, setProgress] = useState<Progress[]>([]);
  const shownCeremony = useRef<string | undefined>(undefined);

  // The progress log belongs to one ceremony: a new plan starts it afresh.
  const setView = useCallback((v: CeremonyView) => {
    if (v.ceremonyId !== shownCeremony.current) {
      shownCeremony.current = v.ceremonyId;
      setProgress([]);
    }
    setViewState(v);
  }, []);

  const refresh = useCallback(async () => {
    try {
      setView(await unwrap(api().ceremony.state({})));
    } catch (e) {
      setError(asFailure(e));
    }
  }, [setView]);

  useEffect(() => {
    void refresh();
    let disposers: (() => void)[] = [];
    try {
      const k = api();
      disposers = [
        k.events.on('ceremony.changed', (v) => setView(v)),
        k.events.on('ceremony.progress', (p) => setProgress((old) => [...old.slice(-49), p])),
      ];
    } catch (e) {
      setError(asFailure(e));
    }
    return () => disposers.forEach((d) => d());
  }, [refresh]);

  /** Runs an action; its failure is shown, and the view refreshed either way. */
  const act = useCallback(
    async (action: () => Promise<CeremonyView | void>) => {
      setError(undefined);
      try {
        const v = await action();
        if (v) setView(v);
        else await refresh();
      } catch (e) {
        setError(asFailure(e));
        await refresh();
      }
    },
    [refresh, setView],
  );

  return { view, error, progress, act, setError };
}
