/**
 * A paged listing that loads its first page when it mounts, when its key changes and after every change
 * made through the hooks, and appends the next page on `loadMore()`. An answer that arrives after a newer
 * request started is dropped, so a slow page never replaces a fresh one.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLockbox } from './context.js';

export interface Paged {
  readonly loading: boolean;
  /** The last load's failure (a LockboxError), undefined after a good one. */
  readonly error: unknown;
  readonly hasMore: boolean;
  loadMore(): void;
  refresh(): void;
}

interface State<P> {
  readonly key: string;
  readonly pages: readonly P[];
  readonly loading: boolean;
  readonly error: unknown;
}

export function usePaged<P>(
  key: string,
  load: (cursor: string | undefined) => Promise<P>,
  cursorOf: (page: P) => string | null | undefined,
): Paged & { readonly pages: readonly P[] } {
  const { revision } = useLockbox();
  const [state, setState] = useState<State<P>>({ key, pages: [], loading: true, error: undefined });
  const [reloads, setReloads] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  const ticket = useRef(0);

  const fetchPage = useCallback(
    async (cursor?: string) => {
      const mine = ++ticket.current;
      setState((s) => ({ ...s, loading: true }));
      try {
        const page = await latest.current(cursor);
        if (mine !== ticket.current) return;
        setState((s) => ({
          key,
          pages: cursor ? [...s.pages, page] : [page],
          loading: false,
          error: undefined,
        }));
      } catch (error) {
        if (mine !== ticket.current) return;
        setState((s) => ({ key, pages: s.key === key ? s.pages : [], loading: false, error }));
      }
    },
    [key],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: revision and reloads are the reasons to load again.
  useEffect(() => {
    void fetchPage();
  }, [fetchPage, revision, reloads]);

  const pages = state.key === key ? state.pages : [];
  const last = pages[pages.length - 1];
  const cursor = last === undefined ? undefined : (cursorOf(last) ?? undefined);
  return {
    pages,
    // A new key is loading from its first render on, before the effect asks for its first page.
    loading: state.loading || state.key !== key,
    error: state.error,
    hasMore: cursor !== undefined,
    loadMore: () => {
      if (cursor !== undefined && !state.loading) void fetchPage(cursor);
    },
    refresh: () => setReloads((n) => n + 1),
  };
}
