import { UNDO_RETENTION_DAYS } from '../contract/bucket-layout';
import { isOrigin } from '../contract/preflight';
import { routes } from '../contract/routes';
import { ALLOWED_ORIGINS, type Limits, limitSettings, type Setting } from '../contract/settings';
import { tokenValidity } from '../contract/token-validity';
import type { AccountSettings } from '../modules/user-auth';
import { PRODUCTION_MIN_LOG_RETENTION_DAYS, type SecurityControls } from './security-controls';
import type { StateBucket } from './state-backend';

/**
 * The deployable environments. Add one by adding an entry here: every synth writes a stack for each
 * (`lockbox-<name>`), plus one account stack per account and region they use (stacks/app.ts).
 * Everything an environment may vary is in EnvironmentConfig; everything else is a secure default in modules/.
 */

export interface Throttling {
  /** Steady-state requests per second across the stage. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
}

/**
 * Limits the handlers enforce, one per limit of contract/settings.ts (which documents each, with its
 * default and range); the stack passes each one as an environment variable to the functions that read it.
 */
export type { Limits } from '../contract/settings';

export interface EnvironmentConfig {
  /** Lower-case name used in resource names (`lockbox-<name>-…`) and the stack's name. */
  readonly name: string;
  /** AWS region of every resource; Cognito identity ids (and so users' folders) start with it. */
  readonly region: string;
  /** Browser origins allowed by CORS on the API and the bucket: scheme://host[:port], never `*`. */
  readonly allowedOrigins: readonly string[];
  /** Retention of every log group (functions, API access and execution logs), in days. */
  readonly logRetentionDays: number;
  readonly throttling: Throttling;
  /**
   * Throttling of expensive routes, by `"<METHOD> <path>"` of contract/routes.ts, in place of the
   * stage's for those methods. Like the stage's, it counts all users together: per-user fairness comes
   * from the handlers' caps (docs/zips.md). @default none
   */
  readonly routeThrottling?: Readonly<Record<string, Throttling>>;
  readonly limits: Limits;
  /**
   * Reserved concurrency per worker of contract/routes.ts, e.g. `{ 'zip-worker': 4 }`: at most that many
   * run at once, and that many are always available to it whatever the API does. Events beyond it wait in
   * Lambda's asynchronous queue (up to limits.zipQueueTimeoutSeconds, then its failure destination).
   * Lambda refuses a reservation that leaves less than 100 of the region's concurrency unreserved, so an
   * account whose limit is below 100 + the reservation cannot deploy it (docs/infrastructure.md).
   * @default {} (nothing reserved)
   */
  readonly workerConcurrency?: Readonly<Record<string, number>>;
  /**
   * Guards the user pool, identity pool and bucket against `destroy` (and turns on the user pool's deletion
   * protection). Replacing the identity pool gives every user a new id and orphans their folder.
   * Turn off only for throwaway previews. @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Where Terraform keeps this environment's state: an S3 bucket the platform team provides (the
   * LOCKBOX_STATE_BUCKET variable overrides it for every stack). @default a local file at the project root
   */
  readonly state?: StateBucket;
  /**
   * A production environment: the security controls below default on, and the synth refuses it without
   * an alarm destination (alarmEmail or alarmTopicArn, or alarmDestinationWaived). @default false
   */
  readonly production?: boolean;
  /** The address the alarms' SNS topic mails (AWS asks it to confirm once). @default no subscription */
  readonly alarmEmail?: string;
  /**
   * An existing SNS topic (the on-call team's) that every alarm also notifies; its policy must let this
   * account's CloudWatch alarms publish. @default none
   */
  readonly alarmTopicArn?: string;
  /** Accepts a production environment whose alarms reach no one. @default false */
  readonly alarmDestinationWaived?: boolean;
  /** WAF, tracing, access logs, a KMS key (stacks/security-controls.ts). @default on in production, off elsewhere */
  readonly controls?: SecurityControls;
  /**
   * The AWS account (12 digits) this environment belongs to: deploying it with credentials of another
   * account fails, and each account gets its own account stack. Set it on every environment or on none.
   * @default any account, all environments sharing one account stack per region
   */
  readonly accountId?: string;
  /**
   * Users' accounts: refresh-token lifetime (days, 1..30) and rotation, TOTP MFA, threat protection and
   * an SES sender for invitations and codes (docs/operations.md has each one's cost).
   * @default 7-day rotating refresh tokens, optional MFA, threat protection ENFORCED in production and off
   * elsewhere, Cognito's e-mail sender
   */
  readonly auth?: AccountSettings;
  /**
   * Days a deleted or overwritten file can be restored (GET /files/deleted, POST /files/restore): its
   * noncurrent versions expire after this, and are billed as storage until then (docs/files.md, "Undo").
   * An integer in UNDO_RETENTION_DAYS.min..max. @default UNDO_RETENTION_DAYS.default
   */
  readonly undoRetentionDays?: number;
}

/** An environment's undo window in days, its default applied. */
export function undoRetentionDays(config: EnvironmentConfig): number {
  return config.undoRetentionDays ?? UNDO_RETENTION_DAYS.default;
}

/** Every limit at its default (contract/settings.ts). */
const DEFAULT_LIMITS = Object.fromEntries(
  limitSettings.map((setting) => [setting.limit, setting.default]),
) as Limits;

export const environments: Readonly<Record<string, EnvironmentConfig>> = {
  dev: {
    name: 'dev',
    region: 'eu-west-1',
    allowedOrigins: ['http://localhost:5173'],
    logRetentionDays: 14,
    throttling: { rateLimit: 20, burstLimit: 40 },
    // Each POST /zips checks up to 1,000 keys and may start a 15-minute job; a folder delete lists and
    // deletes thousands of keys.
    routeThrottling: {
      'POST /zips': { rateLimit: 2, burstLimit: 5 },
      'POST /files/delete': { rateLimit: 5, burstLimit: 10 },
    },
    limits: DEFAULT_LIMITS,
  },
  prod: {
    name: 'prod',
    production: true,
    region: 'eu-west-1',
    // Placeholders, like the origin: the real on-call address (or alarmTopicArn) before the first deploy.
    allowedOrigins: ['https://lockbox.example.com'],
    alarmEmail: 'lockbox-oncall@example.com',
    logRetentionDays: 365,
    throttling: { rateLimit: 100, burstLimit: 200 },
    routeThrottling: {
      'POST /zips': { rateLimit: 10, burstLimit: 20 },
      'POST /files/delete': { rateLimit: 20, burstLimit: 40 },
    },
    limits: DEFAULT_LIMITS,
  },
};

/** An environment's settings by name, checked: an unknown name or a bad origin fails the synth. */
export function environmentConfig(name: string): EnvironmentConfig {
  const config = Object.hasOwn(environments, name) ? environments[name] : undefined;
  if (config === undefined) {
    throw new Error(`Unknown environment "${name}"; known: ${Object.keys(environments).join(', ')}`);
  }
  validateEnvironment(config);
  return config;
}

/** The values CloudWatch Logs accepts as a retention. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653];

/** Origins end up inside VTL templates and CORS headers: only plain scheme://host[:port] values pass. */
export function validateEnvironment(config: EnvironmentConfig): void {
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(config.name)) {
    throw new Error(
      `Environment name "${config.name}" must be 1..16 of a-z, 0-9, '-' starting with a letter`,
    );
  }
  if (config.allowedOrigins.length === 0) throw new Error(`${config.name}: allowedOrigins is empty`);
  for (const origin of config.allowedOrigins) {
    if (!isOrigin(origin))
      throw new Error(`${config.name}: "${origin}" is not an origin (scheme://host[:port])`);
  }
  for (const { limit, min, max } of limitSettings) {
    const value = config.limits[limit];
    if (!Number.isSafeInteger(value) || value < min || value > max)
      throw new Error(`${config.name}: limits.${limit} must be an integer in ${min}..${max}`);
  }
  for (const [route, { rateLimit, burstLimit }] of Object.entries(config.routeThrottling ?? {})) {
    if (!routes.some(({ method, path }) => `${method} ${path}` === route))
      throw new Error(`${config.name}: routeThrottling "${route}" is not a route of contract/routes.ts`);
    if (!(Number.isFinite(rateLimit) && rateLimit > 0 && Number.isSafeInteger(burstLimit) && burstLimit > 0))
      throw new Error(`${config.name}: routeThrottling "${route}" needs a positive rateLimit and burstLimit`);
  }
  for (const [worker, value] of Object.entries(config.workerConcurrency ?? {})) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`${config.name}: workerConcurrency.${worker} must be a positive integer`);
  }
  const undoDays = undoRetentionDays(config);
  if (
    !Number.isSafeInteger(undoDays) ||
    undoDays < UNDO_RETENTION_DAYS.min ||
    undoDays > UNDO_RETENTION_DAYS.max
  ) {
    throw new Error(
      `${config.name}: undoRetentionDays must be an integer in ${UNDO_RETENTION_DAYS.min}..${UNDO_RETENTION_DAYS.max}`,
    );
  }
  if (!LOG_RETENTION_DAYS.includes(config.logRetentionDays)) {
    throw new Error(`${config.name}: logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (config.production === true && config.logRetentionDays < PRODUCTION_MIN_LOG_RETENTION_DAYS) {
    throw new Error(
      `${config.name}: a production environment keeps logs ${PRODUCTION_MIN_LOG_RETENTION_DAYS} days or more (logRetentionDays)`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(config.region)) {
    throw new Error(`${config.name}: "${config.region}" is not an AWS region name`);
  }
  if (config.accountId !== undefined && !/^\d{12}$/.test(config.accountId)) {
    throw new Error(`${config.name}: accountId must be 12 digits`);
  }
  validateAccountSettings(config.name, config.auth ?? {});
  if (
    config.alarmTopicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(config.alarmTopicArn)
  ) {
    throw new Error(`${config.name}: alarmTopicArn "${config.alarmTopicArn}" is not an SNS topic ARN`);
  }
  const alarmsReachSomeone = config.alarmEmail !== undefined || config.alarmTopicArn !== undefined;
  if (config.production === true && !alarmsReachSomeone && config.alarmDestinationWaived !== true) {
    throw new Error(
      `${config.name}: a production environment's alarms need a destination: set alarmEmail or alarmTopicArn (or alarmDestinationWaived: true)`,
    );
  }
  // Enough to catch a typo; AWS sends a confirmation mail that proves the rest.
  if (config.alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(config.alarmEmail)) {
    throw new Error(`${config.name}: alarmEmail "${config.alarmEmail}" is not an e-mail address`);
  }
}

/** A setting's value for the functions whose handlers read it. */
export interface FunctionVariable {
  readonly name: string;
  readonly value: string;
  readonly setting: Setting;
}

/**
 * The settings of contract/settings.ts that the environment decides, as environment variables:
 * ALLOWED_ORIGINS and the limits. BUCKET_NAME comes with the bucket's grant (HandlerFunction.useBucket).
 */
export function settingVariables(config: EnvironmentConfig): readonly FunctionVariable[] {
  return [
    { name: ALLOWED_ORIGINS.variable, value: config.allowedOrigins.join(','), setting: ALLOWED_ORIGINS },
    ...limitSettings.map((setting) => ({
      name: setting.variable,
      value: String(config.limits[setting.limit]),
      setting,
    })),
  ];
}

const MFA_MODES = ['OFF', 'OPTIONAL', 'ON'];
const THREAT_PROTECTION_MODES = ['OFF', 'AUDIT', 'ENFORCED'];

/** Values Cognito would refuse at apply time fail the synth instead. */
function validateAccountSettings(name: string, auth: AccountSettings): void {
  const { min, max } = tokenValidity.refreshDaysRange;
  const days = auth.refreshTokenValidityDays;
  if (days !== undefined && !(Number.isSafeInteger(days) && days >= min && days <= max)) {
    throw new Error(`${name}: auth.refreshTokenValidityDays must be an integer in ${min}..${max}`);
  }
  const grace = auth.refreshTokenRetryGraceSeconds;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0 && grace <= 60)) {
    throw new Error(`${name}: auth.refreshTokenRetryGraceSeconds must be an integer in 0..60`);
  }
  if (auth.mfa !== undefined && !MFA_MODES.includes(auth.mfa)) {
    throw new Error(`${name}: auth.mfa must be one of ${MFA_MODES.join(', ')}`);
  }
  if (auth.threatProtection !== undefined && !THREAT_PROTECTION_MODES.includes(auth.threatProtection)) {
    throw new Error(`${name}: auth.threatProtection must be one of ${THREAT_PROTECTION_MODES.join(', ')}`);
  }
  const sender = auth.emailSender;
  if (sender !== undefined) {
    if (!/^arn:aws[a-z-]*:ses:[a-z0-9-]+:\d{12}:identity\/\S+$/.test(sender.sourceArn)) {
      throw new Error(`${name}: auth.emailSender.sourceArn must be the ARN of an SES identity`);
    }
    if (!/[^\s@<]+@[^\s@>]+\.[^\s@>]+>?$/.test(sender.fromEmailAddress)) {
      throw new Error(`${name}: auth.emailSender.fromEmailAddress must end with an e-mail address`);
    }
  }
}

/** An environment's account settings, threat protection defaulting to ENFORCED in production. */
export function accountSettings(config: EnvironmentConfig): AccountSettings {
  return { threatProtection: config.production === true ? 'ENFORCED' : 'OFF', ...config.auth };
}
