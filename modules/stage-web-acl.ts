import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Construct } from 'constructs';

export interface StageWebAclProps {
  /** The web ACL's name, also the prefix of its CloudWatch metrics. */
  readonly name: string;
  /** The API stage's ARN (`aws_api_gateway_stage.arn`). */
  readonly stageArn: string;
  /** Requests one IP address may send in 5 minutes before WAF blocks it (AWS's minimum is 10). */
  readonly requestsPerIpPer5Minutes: number;
}

/**
 * Rules of AWS's common rule set that our requests trip by design, counted (metrics, sampled requests)
 * instead of blocked: PUT /file carries a file's raw bytes (up to 4 MiB) and POST /files/delete a list
 * of keys, which may hold anything a file name or file may; `?key=` holds a key of up to 1024 bytes,
 * percent-encoded up to three times as long, with any extension (`.log`, `.bak`, `.ini`…) and characters
 * such as `<`. The handlers validate every key and treat content as opaque bytes.
 */
export const COUNTED_COMMON_RULES = [
  'SizeRestrictions_BODY',
  'SizeRestrictions_QUERYSTRING',
  'CrossSiteScripting_BODY',
  'CrossSiteScripting_QUERYARGUMENTS',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
  'RestrictedExtensions_QUERYARGUMENTS',
] as const;

/**
 * An AWS WAF web ACL on the API stage (Security Hub APIGateway.4): a rate-based rule per client IP, then
 * AWS's managed common rule set (with COUNTED_COMMON_RULES counted) and known-bad-inputs rule set
 * (Log4j and other exploit payloads). Everything else is allowed; each rule has its CloudWatch metrics
 * and sampled requests.
 */
export class StageWebAcl extends Construct {
  readonly acl: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: StageWebAclProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (name: string, counted: readonly string[]) => ({
      managed_rule_group_statement: {
        vendor_name: 'AWS',
        name,
        rule_action_override:
          counted.length === 0
            ? undefined
            : counted.map((rule) => ({ name: rule, action_to_use: { count: {} } })),
      },
    });
    // `statement` is untyped in the provider's bindings (its nesting is recursive): snake_case, as in HCL.
    this.acl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rule: [
        {
          name: 'requests-per-ip',
          priority: 0,
          action: { block: {} },
          statement: {
            rate_based_statement: {
              limit: props.requestsPerIpPer5Minutes,
              aggregate_key_type: 'IP',
              evaluation_window_sec: 300,
            },
          },
          visibilityConfig: visibility(`${props.name}-requests-per-ip`),
        },
        {
          name: 'aws-common',
          priority: 1,
          overrideAction: { none: {} },
          statement: managed('AWSManagedRulesCommonRuleSet', COUNTED_COMMON_RULES),
          visibilityConfig: visibility(`${props.name}-aws-common`),
        },
        {
          name: 'aws-known-bad-inputs',
          priority: 2,
          overrideAction: { none: {} },
          statement: managed('AWSManagedRulesKnownBadInputsRuleSet', []),
          visibilityConfig: visibility(`${props.name}-aws-known-bad-inputs`),
        },
      ],
    });
    new Wafv2WebAclAssociation(this, 'association', {
      resourceArn: props.stageArn,
      webAclArn: this.acl.arn,
    });
  }
}
