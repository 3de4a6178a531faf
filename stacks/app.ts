import type { App } from 'cdktf';
import type { Route, Worker } from '../contract/routes';
import { type AccountRegion, AccountStack, accountStackName } from './account-stack';
import type { EnvironmentConfig } from './environments';
import { LockboxStack, stackName } from './lockbox-stack';
import type { StateBucket } from './state-backend';

export interface LockboxAppProps {
  readonly environments: readonly EnvironmentConfig[];
  /** Moves every stack's state to this bucket (LOCKBOX_STATE_BUCKET). @default each environment's `state` */
  readonly stateOverride?: StateBucket;
  /** @default the route table, contract/routes.ts */
  readonly routes?: readonly Route[];
  /** @default the worker table, contract/routes.ts */
  readonly workers?: readonly Worker[];
}

export interface LockboxStacks {
  /** By environment name. */
  readonly environments: ReadonlyMap<string, LockboxStack>;
  /** By stack name (accountStackName). */
  readonly accounts: ReadonlyMap<string, AccountStack>;
}

/**
 * Every stack of the app, in one synth: one per environment and one per account and region those
 * environments use, which each environment stack depends on. An account stack keeps its state where the
 * first environment (in table order) of its account and region keeps its own. State is all local or all
 * in S3: a stack whose state stayed on one machine while the others' is shared would start empty from CI
 * or a second clone, and its first apply would fail on names that already exist.
 */
export function addLockboxStacks(app: App, props: LockboxAppProps): LockboxStacks {
  const { environments: configs, stateOverride, routes, workers } = props;
  const named = configs.filter((config) => config.accountId !== undefined);
  if (named.length > 0 && named.length < configs.length) {
    const unnamed = configs.filter((config) => config.accountId === undefined).map((config) => config.name);
    throw new Error(
      `accountId is set on some environments but not on ${unnamed.join(', ')}: set it on all or none`,
    );
  }
  if (stateOverride === undefined) checkStateIsShared(configs);
  const accounts = new Map<string, AccountStack>();
  const environments = new Map<string, LockboxStack>();
  for (const config of configs) {
    const where: AccountRegion = { region: config.region, accountId: config.accountId };
    const accountName = accountStackName(where);
    let account = accounts.get(accountName);
    if (account === undefined) {
      account = new AccountStack(app, accountName, { ...where, stateBucket: stateOverride ?? config.state });
      accounts.set(accountName, account);
    }
    const stack = new LockboxStack(app, stackName(config), {
      config,
      stateBucket: stateOverride,
      routes,
      workers,
    });
    stack.addDependency(account);
    environments.set(config.name, stack);
  }
  return { environments, accounts };
}

/** Fails when some environments keep their state in S3 and others in a local file. */
function checkStateIsShared(configs: readonly EnvironmentConfig[]): void {
  const local = configs.filter((config) => config.state === undefined).map((config) => config.name);
  if (local.length === 0 || local.length === configs.length) return;
  throw new Error(
    `state is set on some environments but not on ${local.join(', ')}, whose state (and their account ` +
      "stack's) would stay in a local file: set LOCKBOX_STATE_BUCKET to move every stack's state to one " +
      'bucket, or set state on every environment',
  );
}
