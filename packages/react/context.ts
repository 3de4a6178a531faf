/** The provider: one client for the app, the sign-in state, and a revision that listings follow. */
import {
  type ClientOptions,
  createLockboxClient,
  type LockboxClient,
  type LockboxConfig,
} from '@lockbox/client';
import {
  createContext,
  createElement,
  type ReactNode,
  useCallback,
  useContext,
  useMemo,
  useState,
} from 'react';
import { type AuthMachine, useAuthMachine } from './auth-machine.js';

export interface LockboxContextValue {
  readonly client: LockboxClient;
  readonly auth: AuthMachine;
  /** Grows after every change made through the hooks (upload, delete, restore): listings load again. */
  readonly revision: number;
  /** Says that files changed, so that every listing, usage and deleted view loads again. */
  changed(): void;
}

const LockboxContext = createContext<LockboxContextValue | null>(null);

export interface LockboxProviderProps {
  /** The stack's frontend config (`config.json`); read once, when the provider mounts. */
  readonly config: LockboxConfig;
  readonly options?: ClientOptions;
  /** A client made elsewhere (tests, or an app that also uses it outside React); `config` is then unused. */
  readonly client?: LockboxClient;
  readonly children?: ReactNode;
}

export function LockboxProvider(props: LockboxProviderProps): ReactNode {
  const [client] = useState(() => props.client ?? createLockboxClient(props.config, props.options));
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((n) => n + 1), []);
  const auth = useAuthMachine(client);
  const value = useMemo(() => ({ client, auth, revision, changed }), [client, auth, revision, changed]);
  return createElement(LockboxContext.Provider, { value }, props.children);
}

/** The provider's client, sign-in state and change signal (for calls the hooks do not cover). */
export function useLockbox(): LockboxContextValue {
  const value = useContext(LockboxContext);
  if (value === null)
    throw new Error('useLockbox() and the lockbox hooks need a <LockboxProvider> above them.');
  return value;
}
