/**
 * The security controls an environment switches (docs/operations.md, "Security controls", has each one's
 * Security Hub / Checkov id and monthly cost). A production environment (`production: true`) has every
 * one on unless it turns it off; others have them off unless they turn them on.
 */
export interface SecurityControls {
  /** An AWS WAF web ACL on the API stage: AWS's common and known-bad-inputs rules, a rate limit per IP. */
  readonly waf?: boolean;
  /** X-Ray active tracing on the API stage and every function. */
  readonly tracing?: boolean;
  /** S3 server access logs of the files bucket, delivered to a log bucket of their own. */
  readonly accessLogs?: boolean;
  /** A customer-managed KMS key for the usage table, the alarm topic and every log group. */
  readonly customerManagedKey?: boolean;
}

/** Every control of an environment (its EnvironmentConfig), its default applied. */
export function securityControls(config: {
  readonly production?: boolean;
  readonly controls?: SecurityControls;
}): Required<SecurityControls> {
  const on = config.production === true;
  const chosen = config.controls ?? {};
  return {
    waf: chosen.waf ?? on,
    tracing: chosen.tracing ?? on,
    accessLogs: chosen.accessLogs ?? on,
    customerManagedKey: chosen.customerManagedKey ?? on,
  };
}

/** CloudWatch Logs retention a production environment must keep at least (FSBP CloudWatch.16). */
export const PRODUCTION_MIN_LOG_RETENTION_DAYS = 365;

/**
 * The WAF's limit per client IP: 2,000 requests in 5 minutes (6.7 a second, sustained), well above what
 * one person's browser sends (the per-caller limits of the expensive routes are lower), yet low enough
 * to cut a single-address flood long before the stage's throttle; an office behind one NAT address
 * shares it.
 */
export const WAF_REQUESTS_PER_IP_PER_5_MINUTES = 2000;
