import { expect } from 'chai';
import type { Route } from '../../contract/routes';
import { routeSize, routes } from '../../contract/routes';
import { HandlerFunction } from '../../modules/handler-function';
import { serviceRole } from '../../modules/iam';
import { RestApi } from '../../modules/rest-api';
import type { EnvironmentConfig } from '../../stacks/environments';
import { environments } from '../../stacks/environments';
import {
  arnPath,
  type Block,
  fakeBundle,
  type Synthesized,
  synth,
  synthDev,
  synthModule,
} from './synthesized';

const dev = environments.dev as EnvironmentConfig;

/** Routes sharing a parent, nested two deep, with a path parameter. */
const nestedRoutes: Route[] = [
  { method: 'GET', path: '/files', handler: 'list-files', s3: [] },
  { method: 'POST', path: '/files/delete', handler: 'delete-files', s3: [] },
  { method: 'GET', path: '/zips/{id}', handler: 'get-zip', s3: [] },
];

describe('RestApi', () => {
  let stack: Synthesized;
  before(() => {
    stack = synthDev();
  });

  /** Methods by `METHOD /path`, the path rebuilt from the resources' path parts. */
  function methodsByRoute(s: Synthesized): Map<string, Block> {
    const paths = new Map<string, string>([[s.ref('aws_api_gateway_rest_api', 'root_resource_id'), '']]);
    const resources = s.resources('aws_api_gateway_resource');
    while (paths.size <= resources.length) {
      for (const [name, resource] of resources) {
        const parent = paths.get(resource.parent_id);
        if (parent !== undefined)
          paths.set(`\${aws_api_gateway_resource.${name}.id}`, `${parent}/${resource.path_part}`);
      }
    }
    return new Map(
      s
        .resources('aws_api_gateway_method')
        .map(([, m]) => [`${m.http_method} ${paths.get(m.resource_id)}`, m]),
    );
  }

  /** `~1files~1delete/POST` → `POST /files/delete`: undoes API Gateway's encoding of a method's settings key. */
  function methodSettingRoute(methodPath: string): string {
    const slash = methodPath.lastIndexOf('/');
    return `${methodPath.slice(slash + 1)} ${methodPath.slice(0, slash).replaceAll('~1', '/')}`;
  }

  it('is a regional REST API that passes every body through as binary', () => {
    const api = stack.only('aws_api_gateway_rest_api');
    expect(api.name).to.equal('lockbox-dev-api');
    expect(api.endpoint_configuration.types).to.deep.equal(['REGIONAL']);
    expect(api.binary_media_types).to.deep.equal(['*/*']);
  });

  it('serves every route of the table, signed (AWS_IAM), and nothing else unsigned', () => {
    const methods = methodsByRoute(stack);
    for (const route of routes) {
      expect(
        methods.get(`${route.method} ${route.path}`)?.authorization,
        `${route.method} ${route.path}`,
      ).to.equal('AWS_IAM');
    }
    for (const [key, method] of methods) {
      if (!key.startsWith('OPTIONS ')) expect(method.authorization, key).to.equal('AWS_IAM');
    }
  });

  it('proxies each route to its own function', () => {
    const integrations = stack.resources('aws_api_gateway_integration').map(([, i]) => i);
    for (const route of routes) {
      const proxy = integrations.filter((i) => i.type === 'AWS_PROXY');
      const target = proxy.find(
        (i) => stack.deref(i.uri)[1].function_name === `lockbox-dev-${route.handler}`,
      );
      expect(target, `${route.method} ${route.path}`).to.not.equal(undefined);
      expect(target?.integration_http_method).to.equal('POST');
    }
  });

  it('lets API Gateway invoke each function only for its own route and stage', () => {
    const executionArn = stack.ref('aws_api_gateway_rest_api', 'execution_arn');
    const permissions = stack
      .resources('aws_lambda_permission')
      .map(([, p]) => p)
      .filter((p) => p.principal === 'apigateway.amazonaws.com');
    expect(permissions).to.have.length(routes.length);
    for (const route of routes) {
      const permission = permissions.find(
        (p) => stack.deref(p.function_name)[1].function_name === `lockbox-dev-${route.handler}`,
      );
      expect(permission?.principal).to.equal('apigateway.amazonaws.com');
      expect(permission?.action).to.equal('lambda:InvokeFunction');
      expect(permission?.source_arn).to.equal(`${executionArn}/v1/${route.method}${arnPath(route.path)}`);
    }
  });

  describe('preflight', () => {
    function preflight(s: Synthesized, path: string) {
      const method = methodsByRoute(s).get(`OPTIONS ${path}`) as Block;
      const [name] = s.resources('aws_api_gateway_method').find(([, m]) => m === method) as [string, Block];
      const ofMethod = ([, r]: [string, Block]) =>
        r.http_method === `\${aws_api_gateway_method.${name}.http_method}`;
      return {
        method,
        integration: (s.resources('aws_api_gateway_integration').find(ofMethod) as [string, Block])[1],
        response: (s.resources('aws_api_gateway_integration_response').find(ofMethod) as [string, Block])[1],
      };
    }

    it('answers OPTIONS on every route path without auth, from API Gateway itself', () => {
      for (const route of routes) {
        const { method, integration } = preflight(stack, route.path);
        expect(method.authorization).to.equal('NONE');
        expect(integration.type).to.equal('MOCK');
      }
    });

    it('keeps the mock integration working with binary media types */* (CONVERT_TO_TEXT)', () => {
      for (const route of routes) {
        const { integration, response } = preflight(stack, route.path);
        expect(integration.content_handling).to.equal('CONVERT_TO_TEXT');
        expect(response.content_handling).to.equal('CONVERT_TO_TEXT');
      }
    });

    it("answers the configured origin, never '*'", () => {
      for (const route of routes) {
        const { response } = preflight(stack, route.path);
        expect(response.response_parameters['method.response.header.Access-Control-Allow-Origin']).to.equal(
          "'http://localhost:5173'",
        );
        expect(JSON.stringify(response)).to.not.include("'*'");
      }
    });

    it('answers each of several origins with its own name, and no other', () => {
      const origins = ['https://app.example.com', 'https://admin.example.com', 'http://localhost:5173'];
      const several = synth({ config: { ...dev, allowedOrigins: origins } });
      for (const route of routes) {
        const { response } = preflight(several, route.path);
        expect(response.response_parameters['method.response.header.Access-Control-Allow-Origin']).to.equal(
          `'${origins[0]}'`,
        );
        const template: string = response.response_templates['application/json'];
        const condition =
          /#if\((.*)\)\n#set\(\$context\.responseOverride\.header\.Access-Control-Allow-Origin = \$origin\)/.exec(
            template,
          );
        expect(condition?.[1]?.split(' || ')).to.deep.equal(
          origins.slice(1).map((origin) => `$origin == '${origin}'`),
        );
      }
    });

    it("allows the path's methods and the SigV4 headers", () => {
      for (const route of routes) {
        const { response } = preflight(stack, route.path);
        const methods = routes.filter((r) => r.path === route.path).map((r) => r.method);
        const params = response.response_parameters;
        expect(
          params['method.response.header.Access-Control-Allow-Methods'].replace(/'/g, '').split(','),
        ).to.have.members([...methods, 'OPTIONS']);
        for (const header of ['Authorization', 'Content-Type', 'X-Amz-Date', 'X-Amz-Security-Token']) {
          expect(params['method.response.header.Access-Control-Allow-Headers']).to.include(header);
        }
      }
    });
  });

  it('builds one resource per path segment, shared by routes with the same parent', () => {
    const nested = synthModule((scope, scratch) => {
      new RestApi(scope, 'api', {
        name: 'nested',
        routes: nestedRoutes.map((route) => ({
          route,
          fn: new HandlerFunction(scope, route.handler, {
            functionName: route.handler,
            bundle: fakeBundle(scratch, route.handler),
            logRetentionDays: 1,
            memorySize: routeSize(route).memoryMiB,
            timeoutSeconds: routeSize(route).timeoutSeconds,
          }),
        })),
        allowedOrigins: dev.allowedOrigins,
        logRetentionDays: 1,
        throttling: dev.throttling,
        invoker: serviceRole(scope, 'invoker', 'invoker', 'cognito-identity.amazonaws.com'),
      });
    });
    const parts = nested.resources('aws_api_gateway_resource').map(([, r]) => r.path_part);
    expect(parts).to.have.members(['files', 'delete', 'zips', '{id}']);
    const methods = methodsByRoute(nested);
    expect([...methods.keys()]).to.have.members([
      ...nestedRoutes.map((r) => `${r.method} ${r.path}`),
      'OPTIONS /files',
      'OPTIONS /files/delete',
      'OPTIONS /zips/{id}',
    ]);
    expect(methods.get('GET /zips/{id}')?.request_parameters).to.deep.equal({
      'method.request.path.id': true,
    });
    const executionArn = nested.ref('aws_api_gateway_rest_api', 'execution_arn');
    const sources = nested.resources('aws_lambda_permission').map(([, p]) => p.source_arn);
    expect(sources).to.include(`${executionArn}/v1/GET/zips/*`);
  });

  it("puts CORS headers that copy the request's Origin on API Gateway 4XX and 5XX responses", () => {
    const responses = new Map(
      stack.resources('aws_api_gateway_gateway_response').map(([, r]) => [r.response_type, r]),
    );
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      const params = responses.get(type)?.response_parameters;
      expect(params, type).to.not.equal(undefined);
      expect(params['gatewayresponse.header.Access-Control-Allow-Origin']).to.equal(
        'method.request.header.Origin',
      );
      expect(params['gatewayresponse.header.Vary']).to.equal("'Origin'");
      expect(
        JSON.parse(
          responses
            .get(type)
            ?.response_templates['application/json'].replace('$context.error.messageString', '""'),
        ),
      ).to.have.nested.property('error.code');
    }
  });

  describe("API Gateway's own errors", () => {
    /** Status (undefined: API Gateway's own, by type) and contract code of each gateway response. */
    const expected: Record<string, [string | undefined, string]> = {
      MISSING_AUTHENTICATION_TOKEN: ['403', 'Unauthorized'],
      INVALID_SIGNATURE: ['403', 'Unauthorized'],
      EXPIRED_TOKEN: ['403', 'Unauthorized'],
      ACCESS_DENIED: ['403', 'Unauthorized'],
      UNAUTHORIZED: ['401', 'Unauthorized'],
      REQUEST_TOO_LARGE: ['413', 'PayloadTooLarge'],
      THROTTLED: ['429', 'TooManyRequests'],
      QUOTA_EXCEEDED: ['429', 'TooManyRequests'],
      RESOURCE_NOT_FOUND: ['404', 'NotFound'],
      DEFAULT_4XX: [undefined, 'BadRequest'],
      DEFAULT_5XX: [undefined, 'Internal'],
    };
    const responses = () =>
      new Map(stack.resources('aws_api_gateway_gateway_response').map(([, r]) => [r.response_type, r]));
    /** The body as a client sees it, API Gateway's quoted message standing in as "…". */
    const body = (response: Block) =>
      JSON.parse(
        response.response_templates['application/json'].replace('$context.error.messageString', '"…"'),
      );

    it('answers each with the status and the error code of the contract', () => {
      const byType = responses();
      expect([...byType.keys()]).to.have.members(Object.keys(expected));
      for (const [type, [status, code]] of Object.entries(expected)) {
        const response = byType.get(type) as Block;
        expect(response.status_code, type).to.equal(status);
        expect(body(response), type).to.deep.equal({
          error: { code, message: body(response).error.message },
        });
        expect(body(response).error.message, type).to.be.a('string').and.not.equal('');
      }
    });

    it("never passes on API Gateway's message where it may name an ARN or account", () => {
      for (const [type, response] of responses()) {
        if (type === 'DEFAULT_4XX') continue;
        expect(response.response_templates['application/json'], type).to.not.include(
          '$context.error.message',
        );
      }
    });

    it('names only the request id in a 5XX', () => {
      expect(body(responses().get('DEFAULT_5XX') as Block).error.message).to.equal(
        'Internal error. Request id: $context.requestId',
      );
    });

    it("puts CORS headers that copy the request's Origin on every one (readable by every allowed origin)", () => {
      for (const [type, response] of responses()) {
        expect(response.response_parameters, type).to.deep.equal({
          'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
          'gatewayresponse.header.Access-Control-Expose-Headers': "'x-amzn-RequestId, x-amzn-ErrorType'",
          'gatewayresponse.header.Vary': "'Origin'",
        });
      }
    });
  });

  describe('resource policy', () => {
    const executionArn = () => stack.ref('aws_api_gateway_rest_api', 'execution_arn');
    const routeArns = () => routes.map((r) => `${executionArn()}/v1/${r.method}${arnPath(r.path)}`);
    const statement = (sid: string) => {
      const policy = stack.only('aws_api_gateway_rest_api_policy');
      expect(policy.rest_api_id).to.equal(stack.ref('aws_api_gateway_rest_api', 'id'));
      const found = stack.statements(policy.policy).find((s) => s.sid === sid);
      expect(found, sid).to.not.equal(undefined);
      return found as NonNullable<typeof found>;
    };
    const authenticatedRoleArn = () => {
      const [name] = stack
        .resources('aws_iam_role')
        .find(([, r]) => r.name === 'lockbox-dev-authenticated') as [string, Block];
      return `\${aws_iam_role.${name}.arn}`;
    };

    it('allows the identity pool role, by its ARN, every route of this stage', () => {
      const allow = statement('SignedInUsers');
      expect(allow.effect).to.equal('Allow');
      expect(allow.condition).to.deep.equal([
        { test: 'ArnEquals', variable: 'aws:PrincipalArn', values: [authenticatedRoleArn()] },
      ]);
      expect(allow.actions).to.deep.equal(['execute-api:Invoke']);
      expect(allow.resources).to.have.members(routeArns());
      expect(allow.resources).to.have.length(routes.length);
    });

    it('denies every other principal the routes, even one whose own IAM policy allows them', () => {
      const deny = statement('NoOtherPrincipal');
      expect(deny.effect).to.equal('Deny');
      expect(deny.principals).to.deep.equal([{ type: '*', identifiers: ['*'] }]);
      expect(deny.actions).to.deep.equal(['execute-api:Invoke']);
      expect(deny.resources).to.have.members(routeArns());
      expect(deny.condition).to.deep.equal([
        { test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [authenticatedRoleArn()] },
      ]);
    });

    it('lets anyone send the CORS preflight (OPTIONS without auth needs an explicit allow), and nothing else', () => {
      const preflight = statement('CorsPreflight');
      expect(preflight.effect).to.equal('Allow');
      expect(preflight.principals).to.deep.equal([{ type: '*', identifiers: ['*'] }]);
      const paths = [...new Set(routes.map((r) => r.path))];
      expect(preflight.resources).to.have.members(
        paths.map((p) => `${executionArn()}/v1/OPTIONS${arnPath(p)}`),
      );
      const policy = stack.only('aws_api_gateway_rest_api_policy');
      expect(stack.statements(policy.policy).map((s) => s.sid)).to.have.members([
        'SignedInUsers',
        'NoOtherPrincipal',
        'CorsPreflight',
      ]);
    });

    // API Gateway resolves a Principal when the policy is put; the authenticated role is created in the
    // same apply, seconds before, and IAM may not show it yet (terraform-provider-aws #29392).
    it('names no principal API Gateway must resolve, and is applied after the role exists', () => {
      const policy = stack.only('aws_api_gateway_rest_api_policy');
      for (const s of stack.statements(policy.policy)) {
        expect(s.principals, s.sid).to.deep.equal([{ type: '*', identifiers: ['*'] }]);
      }
      const [role] = stack.deref(authenticatedRoleArn());
      expect(policy.depends_on).to.include(role);
    });

    it('makes no reference cycle: pool → role → policy ← API ← functions (Terraform would refuse one)', () => {
      expect(JSON.stringify(stack.only('aws_api_gateway_rest_api'))).not.to.include('policy');
      expect(referenceCycle(stack)).to.equal(undefined);
    });

    it('is served only once deployed: the deployment waits for it and its trigger holds it', () => {
      const deployment = stack.only('aws_api_gateway_deployment');
      const [name] = stack.resources('aws_api_gateway_rest_api_policy')[0] as [string, Block];
      expect(deployment.depends_on).to.include(`aws_api_gateway_rest_api_policy.${name}`);
      expect(deployment.triggers.redeployment).to.include(`aws_api_gateway_rest_api_policy.${name}.policy`);
    });
  });

  describe('deployment', () => {
    it('redeploys when any resource, method or integration changes', () => {
      const deployment = stack.only('aws_api_gateway_deployment');
      const trigger: string = deployment.triggers.redeployment;
      expect(trigger).to.match(/^\$\{sha1\(jsonencode\(\[/);
      for (const type of [
        'aws_api_gateway_resource',
        'aws_api_gateway_method',
        'aws_api_gateway_integration',
      ]) {
        for (const [name] of stack.resources(type))
          expect(trigger, `${type}.${name}`).to.include(`${type}.${name}.id`);
      }
    });

    it('is created before the old one is destroyed', () => {
      expect(stack.only('aws_api_gateway_deployment').lifecycle.create_before_destroy).to.equal(true);
    });

    it('moves its trigger when a route changes', () => {
      const moved = synth({ routes: routes.map((r) => ({ ...r, path: `${r.path}-renamed` })) });
      expect(moved.only('aws_api_gateway_deployment').triggers.redeployment).to.not.equal(
        stack.only('aws_api_gateway_deployment').triggers.redeployment,
      );
    });
  });

  describe('stage', () => {
    // The stage-wide method settings (method path "*/*"); expensive routes have their own.
    const stageSettings = () =>
      (
        stack.resources('aws_api_gateway_method_settings').find(([, m]) => m.method_path === '*/*') as [
          string,
          Block,
        ]
      )[1];

    it('writes JSON access logs with request id, identity id and status to a log group with retention', () => {
      const stage = stack.only('aws_api_gateway_stage');
      const format = JSON.parse(stage.access_log_settings.format);
      expect(format).to.include({
        requestId: '$context.requestId',
        identityId: '$context.identity.cognitoIdentityId',
        status: '$context.status',
      });
      const [, logGroup] = stack.deref(stage.access_log_settings.destination_arn);
      expect(logGroup.retention_in_days).to.equal(dev.logRetentionDays);
    });

    it('keeps execution logs, without request or response data, with a retention', () => {
      const settings = stageSettings();
      expect(settings.method_path).to.equal('*/*');
      expect(settings.settings.logging_level).to.equal('INFO');
      expect(settings.settings.data_trace_enabled).to.equal(false);
      const executionLogs = stack
        .resources('aws_cloudwatch_log_group')
        .find(([, g]) => g.name.startsWith('API-Gateway-Execution-Logs_'));
      expect(executionLogs?.[1].name).to.equal(
        `API-Gateway-Execution-Logs_${stack.ref('aws_api_gateway_rest_api', 'id')}/v1`,
      );
      expect(executionLogs?.[1].retention_in_days).to.equal(dev.logRetentionDays);
    });

    it('emits metrics and throttles as configured', () => {
      const settings = stageSettings().settings;
      expect(settings.metrics_enabled).to.equal(true);
      expect(settings.throttling_rate_limit).to.equal(dev.throttling.rateLimit);
      expect(settings.throttling_burst_limit).to.equal(dev.throttling.burstLimit);
    });

    it('never caches responses (they hold per-user URLs)', () => {
      expect(stack.only('aws_api_gateway_stage').cache_cluster_enabled).to.equal(false);
      for (const [, settings] of stack.resources('aws_api_gateway_method_settings')) {
        expect(settings.settings.caching_enabled).to.equal(false);
      }
    });

    it("throttles the expensive routes by the environment's routeThrottling, with the stage's other settings", () => {
      const perRoute = stack
        .resources('aws_api_gateway_method_settings')
        .filter(([, settings]) => settings.method_path !== '*/*')
        .map(([, settings]) => settings);
      const throttled = Object.keys(dev.routeThrottling ?? {});
      expect(perRoute.map((settings) => methodSettingRoute(settings.method_path))).to.have.members(throttled);
      for (const settings of perRoute) {
        const throttle = dev.routeThrottling?.[methodSettingRoute(settings.method_path)];
        expect(settings.settings).to.deep.equal({
          ...stageSettings().settings,
          throttling_rate_limit: throttle?.rateLimit,
          throttling_burst_limit: throttle?.burstLimit,
        });
        expect(settings.stage_name).to.equal(stageSettings().stage_name);
      }
    });

    // API Gateway keys a method's settings by its resource path with each '/' written '~1' (the leading
    // one included) and the method after a plain '/'; any other key names no method and binds nothing
    // (terraform-provider-aws #9738).
    it("keys each route's method settings by a method that exists, in API Gateway's ~1 encoding", () => {
      const methods = methodsByRoute(stack);
      const perRoute = stack
        .resources('aws_api_gateway_method_settings')
        .map(([, settings]) => settings.method_path as string)
        .filter((path) => path !== '*/*');
      expect(perRoute).to.not.be.empty;
      for (const methodPath of perRoute) {
        expect(methodPath, methodPath).to.match(/^(~1[^/~]+)+\/[A-Z]+$/);
        expect(methods.has(methodSettingRoute(methodPath)), methodPath).to.equal(true);
      }
    });

    it('refuses a routeThrottling entry that names no route or has no positive limits', () => {
      const zips = { rateLimit: 1, burstLimit: 1 };
      const entries: Record<string, { rateLimit: number; burstLimit: number }>[] = [
        { 'POST /zip': zips },
        { 'POST /zips': { rateLimit: 0, burstLimit: 1 } },
        { 'POST /zips': { rateLimit: 1, burstLimit: 0.5 } },
      ];
      for (const routeThrottling of entries) {
        expect(
          () => synth({ config: { ...dev, routeThrottling } }),
          JSON.stringify(routeThrottling),
        ).to.throw(/routeThrottling/);
      }
    });
  });
});

/** A cycle among the stack's resources and data sources (their `${…}` references and depends_on), if any. */
function referenceCycle(stack: Synthesized): string[] | undefined {
  const nodes = new Map<string, Block>();
  for (const [type, byName] of Object.entries(stack.json.resource ?? {}))
    for (const [name, block] of Object.entries(byName as Block)) nodes.set(`${type}.${name}`, block);
  for (const [type, byName] of Object.entries(stack.json.data ?? {}))
    for (const [name, block] of Object.entries(byName as Block)) nodes.set(`data.${type}.${name}`, block);
  const edges = (block: Block) =>
    [...JSON.stringify(block).matchAll(/(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/g)]
      .map((m) => m[0])
      .filter((address) => nodes.has(address));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (address: string, path: string[]): string[] | undefined => {
    if (state.get(address) === 'done') return undefined;
    if (state.get(address) === 'visiting') return [...path, address];
    state.set(address, 'visiting');
    for (const next of edges(nodes.get(address) as Block)) {
      const cycle = visit(next, [...path, address]);
      if (cycle !== undefined) return cycle;
    }
    state.set(address, 'done');
    return undefined;
  };
  for (const address of nodes.keys()) {
    const cycle = visit(address, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}
