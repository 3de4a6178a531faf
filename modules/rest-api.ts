import { createHash } from 'node:crypto';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Fn, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { GATEWAY_ERRORS, GATEWAY_RESPONSE_HEADERS, gatewayErrorBody } from '../contract/gateway-errors';
import {
  PREFLIGHT_ALLOWED_HEADERS,
  PREFLIGHT_MAX_AGE_SECONDS,
  preflightAllowMethods,
} from '../contract/preflight';
import type { Route } from '../contract/routes';
import type { HandlerFunction } from './handler-function';
import { inlinePolicy } from './iam';
import { preflightOrigin } from './preflight';

/** Steady requests per second, and the burst allowed above it. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A route of the table and the function that serves it. */
export interface ApiRoute {
  readonly route: Route;
  readonly fn: HandlerFunction;
}

export interface RestApiProps {
  /** The API's name; also names its log groups. */
  readonly name: string;
  readonly routes: readonly ApiRoute[];
  /** Origins answered by the preflight and API Gateway's own error responses; never `*`. */
  readonly allowedOrigins: readonly string[];
  readonly logRetentionDays: number;
  /** Stage-wide throttling: steady requests per second and burst. */
  readonly throttling: Throttle;
  /**
   * Throttling of single expensive routes instead of the stage's, by `"<METHOD> <path>"` as in the route
   * table. API Gateway counts per stage and method, for all callers together. @default none
   */
  readonly routeThrottling?: Readonly<Record<string, Throttle>>;
  /**
   * The one role whose sessions may call the routes (the identity pool's authenticated role): the API's
   * resource policy denies every other principal, even one whose own IAM policy allows it.
   */
  readonly invoker: IamRole;
  /** @default 'v1' */
  readonly stageName?: string;
  /** X-Ray active tracing on the stage. @default false */
  readonly tracing?: boolean;
  /** A customer-managed KMS key that encrypts the API's log groups. @default CloudWatch Logs' own */
  readonly logKeyArn?: string;
}

/**
 * A regional REST API built from the route table: one resource per path segment, every route's method
 * signed (AWS_IAM) and proxied to its function, an unauthenticated OPTIONS preflight per resource for the
 * configured origins, CORS headers on API Gateway's own 4XX/5XX, a resource policy that lets only the
 * invoker role call the routes, and a stage with JSON access logs,
 * execution logs without data, metrics, throttling and no cache (responses hold per-user URLs).
 */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly stageName: string;
  private readonly routes: readonly Route[];
  private readonly resources = new Map<string, string>();
  /** Everything the deployment serves, for its redeploy trigger. */
  private readonly deployed: TerraformResource[] = [];
  /** Values that move when something deployed changes: ids, integration targets… */
  private readonly triggers: string[] = [];
  /** …and the settings that are edited in place, hashed at synth. */
  private readonly fingerprint: unknown[] = [];

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    if (props.allowedOrigins.length === 0) throw new Error('RestApi needs at least one allowed origin');
    this.stageName = props.stageName ?? 'v1';
    this.routes = props.routes.map(({ route }) => route);
    this.api = new ApiGatewayRestApi(this, 'api', {
      name: props.name,
      endpointConfiguration: { types: ['REGIONAL'] },
      // Every body reaches the handler untouched (base64): PUT /file's bytes must arrive intact.
      binaryMediaTypes: ['*/*'],
    });
    this.resources.set('', this.api.rootResourceId);

    for (const { route, fn } of props.routes) this.addRoute(route, fn);
    for (const [path, methods] of groupByPath(this.routes)) {
      this.addPreflight(path, methods, props.allowedOrigins);
    }
    this.addGatewayResponses();
    this.addResourcePolicy(props.invoker);

    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: this.api.id,
      triggers: { redeployment: this.redeploymentTrigger() },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: this.deployed,
    });

    const accessLogs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${props.name}/access`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKeyArn,
    });
    // API Gateway would create this group itself, without a retention; owning it sets one.
    const executionLogs = new CloudwatchLogGroup(this, 'execution-logs', {
      name: `API-Gateway-Execution-Logs_${this.api.id}/${this.stageName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKeyArn,
    });
    this.stage = new ApiGatewayStage(this, 'stage', {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: this.stageName,
      cacheClusterEnabled: false,
      xrayTracingEnabled: props.tracing === true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      dependsOn: [executionLogs],
    });
    const methodSettings = (id: string, methodPath: string, throttle: Throttle) =>
      new ApiGatewayMethodSettings(this, id, {
        restApiId: this.api.id,
        stageName: this.stage.stageName,
        methodPath,
        settings: {
          loggingLevel: 'INFO',
          dataTraceEnabled: false,
          metricsEnabled: true,
          throttlingRateLimit: throttle.rateLimit,
          throttlingBurstLimit: throttle.burstLimit,
          cachingEnabled: false,
        },
      });
    methodSettings('method-settings', '*/*', props.throttling);
    // A method's settings replace the stage's for it, all of them: hence the same logging and metrics.
    for (const [name, throttle] of Object.entries(props.routeThrottling ?? {})) {
      const route = this.routes.find((r) => `${r.method} ${r.path}` === name);
      if (route === undefined) throw new Error(`routeThrottling: "${name}" is not a route`);
      const id = `method-settings-${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+/g, '-')}`;
      methodSettings(id, methodSettingsPath(route), throttle);
    }
  }

  /** Lets `role` call every route of this API's stage, and nothing else. */
  grantInvoke(scope: Construct, role: IamRole): void {
    inlinePolicy(scope, 'invoke-api', role, [
      {
        effect: 'Allow',
        actions: ['execute-api:Invoke'],
        resources: this.routes.map((route) => this.routeArn(route)),
      },
    ]);
  }

  private routeArn(route: Route): string {
    return this.methodArn(route.method, route.path);
  }

  /** `<execution arn>/<stage>/<METHOD>/<path>`, each path parameter a `*`. */
  private methodArn(method: string, path: string): string {
    return `${this.api.executionArn}/${this.stageName}/${method}${path.replace(/\{[^}]+\}/g, '*')}`;
  }

  /**
   * The API's resource policy, a second lock beside the role's own grant (grantInvoke):
   * - the invoker role may call every route;
   * - every other principal is denied the routes explicitly: within the account, API Gateway serves a
   *   caller that either its IAM policy or the resource policy allows, so an allow alone would still let
   *   in any role of the account granted `execute-api:Invoke` on `*`;
   * - anyone may send the CORS preflight: an OPTIONS method without auth is served only if the resource
   *   policy allows it explicitly (AWS, "How API Gateway resource policies affect authorization workflow").
   * A separate resource (not the API's `policy` argument), so it can name the API's full ARNs without a
   * cycle; the stage serves a policy change only once redeployed, hence the deployment's trigger.
   * The role is named in conditions only, never as a `Principal`: API Gateway resolves a principal when
   * the policy is put, and a role created seconds earlier in the same apply may not be visible yet (IAM is
   * eventually consistent, the provider does not retry; terraform-provider-aws #29392). A condition is
   * not resolved, so the first apply needs no sleep (and no `time` provider).
   */
  private addResourcePolicy(invoker: IamRole): void {
    const routes = this.routes.map((route) => this.routeArn(route));
    const preflights = [...groupByPath(this.routes).keys()].map((path) => this.methodArn('OPTIONS', path));
    const anyone = [{ type: '*', identifiers: ['*'] }];
    const document = new DataAwsIamPolicyDocument(this, 'resource-policy-document', {
      statement: [
        {
          sid: 'SignedInUsers',
          effect: 'Allow',
          principals: anyone,
          actions: ['execute-api:Invoke'],
          resources: routes,
          condition: [{ test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [invoker.arn] }],
        },
        {
          sid: 'NoOtherPrincipal',
          effect: 'Deny',
          principals: anyone,
          actions: ['execute-api:Invoke'],
          resources: routes,
          condition: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [invoker.arn] }],
        },
        {
          sid: 'CorsPreflight',
          effect: 'Allow',
          principals: anyone,
          actions: ['execute-api:Invoke'],
          resources: preflights,
        },
      ],
    });
    const policy = new ApiGatewayRestApiPolicy(this, 'resource-policy', {
      restApiId: this.api.id,
      policy: document.json,
      dependsOn: [invoker],
    });
    this.deployed.push(policy);
    this.triggers.push(policy.policy);
  }

  private addRoute(route: Route, fn: HandlerFunction): void {
    const id = `${route.method.toLowerCase()}-${pathId(route.path)}`;
    const resourceId = this.resourceFor(route.path);
    const method = new ApiGatewayMethod(this, `${id}-method`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: route.method,
      authorization: 'AWS_IAM',
      requestParameters: Object.fromEntries(
        pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
      ),
    });
    const integration = new ApiGatewayIntegration(this, `${id}-integration`, {
      restApiId: this.api.id,
      resourceId,
      httpMethod: method.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: fn.function.invokeArn,
    });
    new LambdaPermission(this, `${id}-permission`, {
      functionName: fn.function.functionName,
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      sourceArn: this.routeArn(route),
    });
    this.deployed.push(method, integration);
    // The uri moves when the function is replaced, which edits the integration in place.
    this.triggers.push(integration.uri);
    this.fingerprint.push({ route, authorization: 'AWS_IAM', integration: 'AWS_PROXY' });
  }

  /** The resource for `path`, creating one per missing segment; routes share their parents. */
  private resourceFor(path: string): string {
    const segments = path.split('/').filter((segment) => segment !== '');
    let parentId = this.resources.get('') as string;
    for (let depth = 1; depth <= segments.length; depth++) {
      const prefix = `/${segments.slice(0, depth).join('/')}`;
      let resourceId = this.resources.get(prefix);
      if (resourceId === undefined) {
        const resource = new ApiGatewayResource(this, `resource-${pathId(prefix)}`, {
          restApiId: this.api.id,
          parentId,
          pathPart: segments[depth - 1] as string,
        });
        this.deployed.push(resource);
        resourceId = resource.id;
        this.resources.set(prefix, resourceId);
      }
      parentId = resourceId;
    }
    return parentId;
  }

  /**
   * OPTIONS without auth, answered by API Gateway itself (MOCK). With binaryMediaTypes `*\/*` the mock's
   * request and response would be treated as binary and fail with a 500: CONVERT_TO_TEXT keeps them text.
   */
  private addPreflight(path: string, methods: readonly string[], allowedOrigins: readonly string[]): void {
    const id = `options-${pathId(path)}`;
    const resourceId = this.resourceFor(path);
    const restApiId = this.api.id;
    const allowMethods = preflightAllowMethods(methods);
    const origin = preflightOrigin(allowedOrigins);
    const method = new ApiGatewayMethod(this, `${id}-method`, {
      restApiId,
      resourceId,
      httpMethod: 'OPTIONS',
      authorization: 'NONE',
    });
    const integration = new ApiGatewayIntegration(this, `${id}-integration`, {
      restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      type: 'MOCK',
      contentHandling: 'CONVERT_TO_TEXT',
      requestTemplates: { 'application/json': '{"statusCode": 204}' },
    });
    const methodResponse = new ApiGatewayMethodResponse(this, `${id}-method-response`, {
      restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: '204',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Origin': true,
        'method.response.header.Access-Control-Allow-Methods': true,
        'method.response.header.Access-Control-Allow-Headers': true,
        'method.response.header.Access-Control-Max-Age': true,
        'method.response.header.Vary': true,
      },
    });
    const integrationResponse = new ApiGatewayIntegrationResponse(this, `${id}-integration-response`, {
      restApiId,
      resourceId,
      httpMethod: method.httpMethod,
      statusCode: methodResponse.statusCode,
      contentHandling: 'CONVERT_TO_TEXT',
      responseParameters: {
        'method.response.header.Access-Control-Allow-Origin': origin.header,
        'method.response.header.Access-Control-Allow-Methods': `'${allowMethods}'`,
        'method.response.header.Access-Control-Allow-Headers': `'${PREFLIGHT_ALLOWED_HEADERS}'`,
        'method.response.header.Access-Control-Max-Age': `'${PREFLIGHT_MAX_AGE_SECONDS}'`,
        'method.response.header.Vary': "'Origin'",
      },
      responseTemplates: origin.template === undefined ? undefined : { 'application/json': origin.template },
      dependsOn: [integration],
    });
    this.deployed.push(method, integration, methodResponse, integrationResponse);
    // The key names feed the redeployment hash: renaming one would redeploy every stage.
    this.fingerprint.push({
      preflight: path,
      allowMethods,
      allowedOrigins,
      ALLOWED_HEADERS: PREFLIGHT_ALLOWED_HEADERS,
    });
  }

  /**
   * API Gateway's own errors (bad signature, throttling, …) in the contract's error shape, with CORS
   * headers that copy the request's Origin so that the browser lets the app read them on every allowed
   * origin (contract/gateway-errors.ts says why that is safe). The handlers echo allowed origins only.
   */
  private addGatewayResponses(): void {
    const responseParameters = Object.fromEntries(
      Object.entries(GATEWAY_RESPONSE_HEADERS).map(([name, value]) => [
        `gatewayresponse.header.${name}`,
        'text' in value ? `'${value.text}'` : `method.request.header.${value.requestHeader}`,
      ]),
    );
    for (const error of GATEWAY_ERRORS) {
      const { responseType, statusCode } = error;
      const body = gatewayErrorBody(error);
      const response = new ApiGatewayGatewayResponse(this, `response-${responseType.toLowerCase()}`, {
        restApiId: this.api.id,
        responseType,
        statusCode,
        responseParameters,
        responseTemplates: { 'application/json': body },
      });
      this.deployed.push(response);
      this.fingerprint.push({ responseType, statusCode, responseParameters, body });
    }
  }

  /**
   * Changes whenever a resource, method or integration is replaced (their ids) or edited in place (a
   * hash of their settings, computed at synth), so the stage never serves a stale deployment.
   */
  private redeploymentTrigger(): string {
    const settings = createHash('sha256').update(JSON.stringify(this.fingerprint)).digest('hex');
    const ids = this.deployed.map((resource) => resource.getStringAttribute('id'));
    return Fn.sha1(Fn.jsonencode([settings, ...ids, ...this.triggers]));
  }
}

/** JSON access log line: who (identity id), what (method, resource path), outcome (status). */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  identityId: '$context.identity.cognitoIdentityId',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
});

/**
 * The key API Gateway files a method's settings under: the resource path with every `/` written `~1`
 * (the leading one included), then `/` and the method: `POST /files/delete` → `~1files~1delete/POST`.
 * The provider passes it through unchanged and AWS accepts any other form without applying it
 * (terraform-provider-aws #9738), so the route would run at the stage's limits.
 */
function methodSettingsPath(route: Route): string {
  return `${route.path.replaceAll('/', '~1')}/${route.method}`;
}

/** A construct id for a path: `/zips/{id}` → `zips-id`. Fixed per route, never a token. */
function pathId(path: string): string {
  return path.replace(/[{}+]/g, '').split('/').filter(Boolean).join('-') || 'root';
}

function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1] as string);
}

function groupByPath(routes: readonly Route[]): Map<string, string[]> {
  const byPath = new Map<string, string[]>();
  for (const route of routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
  return byPath;
}
