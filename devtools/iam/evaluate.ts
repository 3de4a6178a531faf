/**
 * The one module that calls the IAM evaluator, @cloud-copilot/iam-simulate (AGPL-3.0-or-later). It is a
 * devDependency: only tests, `npm run iam:table` and `npm run infra:diff` reach this file, never a handler,
 * the client, local mode or anything bundled (test/infra/iam/licence.test.ts fails on any other import of
 * it). To swap the evaluator, rewrite this file only.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { IamPolicy } from './terraform-policies';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface EvaluatedRequest {
  /** The caller's ARN (a role, a role session `arn:aws:sts::…:assumed-role/…`), or `anonymous`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  /** Context keys and their values, e.g. `aws:SecureTransport`, `s3:prefix`. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** The identity policies of the caller (its role's inline policies). */
  readonly identityPolicies: readonly { readonly name: string; readonly policy: IamPolicy }[];
  /** The session policy the session was assumed with, if any. */
  readonly sessionPolicy?: IamPolicy;
  /** The resource's policy (the bucket policy, the API's resource policy), if any. */
  readonly resourcePolicy?: IamPolicy;
}

/** AWS's decision on one request, by AWS's evaluation logic; throws when the evaluator rejects its input. */
export async function evaluate(request: EvaluatedRequest): Promise<Decision> {
  const anonymous = request.principal === 'anonymous';
  const result = await runSimulation(
    {
      request: {
        principal: anonymous ? { type: 'Anonymous' } : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: Object.fromEntries(
          Object.entries(request.context).map(([key, value]) => [
            key,
            typeof value === 'string' ? value : [...value],
          ]),
        ),
      },
      identityPolicies: request.identityPolicies.map(({ name, policy }) => ({ name, policy })),
      ...(request.sessionPolicy === undefined ? {} : { sessionPolicy: request.sessionPolicy }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy === undefined ? {} : { resourcePolicy: request.resourcePolicy }),
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new Error(
      `The IAM evaluator rejected ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.overallResult;
}
