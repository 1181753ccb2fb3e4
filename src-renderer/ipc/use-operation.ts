import { useCallback, useEffect, useState } from 'react';
import type { IpcFailure, IpcResult } from '../../src-shared/ipc/envelope.js';
import { api, asFailure, unwrap } from './client.js';
import type { KeyriteApi } from '../../src-shared/ipc/api.js';

export interface OperationState<T> {
  data: T | undefined;
  error: IpcFailure | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a read operation on mount and on reload(); the screen renders data, error or a spinner. */
export function useOperation<T>(run: (k: KeyriteApi) => Promise<IpcResult<T>>): OperationState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<IpcFailure>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setLoading(true);
    void (async () => {
      try {
        const value = await unwrap(run(api()));
        if (live) {
          setData(value);
          setError(undefined);
        }
      } catch (e) {
        if (live) setError(asFailure(e));
      } finally {
        if (live) setLoading(false);
      }
    })();
    return () => {
      live = false;
    };
    // `run` is a fresh closure each render; the tick alone decides when to run again.
  }, [tick]);
  return { data, error, loading, reload };
}
