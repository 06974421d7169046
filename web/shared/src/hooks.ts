/** Data hooks over one `run` function (the session's request). */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';

import type { Document } from './client';

export type Run = <TResult, TVariables>(
  document: Document<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
) => Promise<TResult>;

export const RunContext = createContext<Run | null>(null);

export function useRun(): Run {
  const run = useContext(RunContext);
  if (!run) throw new Error('useRun outside a RunContext provider');
  return run;
}

export interface QueryState<TResult> {
  data: TResult | null;
  error: Error | null;
  loading: boolean;
  /** Fetch again with the same variables (after a mutation elsewhere, say). */
  reload: () => void;
  /** Replace the data without a request (with what a mutation answered). */
  setData: (data: TResult) => void;
}

/** Runs `document` whenever its variables change (compared as JSON); `skip` runs nothing. */
export function useQuery<TResult, TVariables>(
  document: Document<TResult, TVariables>,
  variables: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TResult> {
  const run = useRun();
  const key = JSON.stringify(variables ?? null);
  const [state, setState] = useState<{ data: TResult | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: !options.skip,
  });
  const [generation, setGeneration] = useState(0);
  const variablesRef = useRef(variables);
  variablesRef.current = variables;

  useEffect(() => {
    if (options.skip) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    // An answer for variables that have since changed (the effect was cleaned up) is dropped,
    // even one that arrived before the abort took effect.
    run(document, variablesRef.current, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ data: null, error: error instanceof Error ? error : new Error(String(error)), loading: false });
      },
    );
    return () => controller.abort();
  }, [run, document, key, generation, options.skip]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const setData = useCallback((data: TResult) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, setData };
}

export interface MutationState {
  busy: boolean;
  /** A failure that was no userError: the gateway's errors[] or the network. */
  error: Error | null;
}

/** A mutation: `mutate(variables)` resolves with the data, or null when it threw (see `error`). */
export function useMutation<TResult, TVariables>(
  document: Document<TResult, TVariables>,
): [(variables: TVariables) => Promise<TResult | null>, MutationState] {
  const run = useRun();
  const [state, setState] = useState<MutationState>({ busy: false, error: null });
  const mutate = useCallback(
    async (variables: TVariables) => {
      setState({ busy: true, error: null });
      try {
        const data = await run(document, variables);
        setState({ busy: false, error: null });
        return data;
      } catch (error) {
        setState({ busy: false, error: error instanceof Error ? error : new Error(String(error)) });
        return null;
      }
    },
    [run, document],
  );
  return [mutate, state];
}
