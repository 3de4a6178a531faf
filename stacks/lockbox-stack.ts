import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { type Route, routes as routeTable } from '../handlers/routes';
import { ApiGatewayLoggingRole } from '../modules/api-gateway-logging-role';
import { bundleHandlers, type HandlerBundle } from '../modules/bundle/handler-bundle';
import { HandlerFunction } from '../modules/handler-function';
import { PrivateBucket } from '../modules/private-bucket';
import { RestApi } from '../modules/rest-api';
import { UserAuth } from '../modules/user-auth';
import { type EnvironmentConfig, limitVariables, validateEnvironment } from './environments';
import { configureStateBackend, type StateBucket } from './state-backend';

export interface LockboxStackProps {
  readonly config: EnvironmentConfig;
  /** @default local state (see state-backend.ts) */
  readonly stateBucket?: StateBucket;
  /** @default the route table, handlers/routes.ts */
  readonly routes?: readonly Route[];
}

/** The stack's name for an environment: `lockbox-<env>`, also its folder under cdktf.out/stacks/. */
export function stackName(config: EnvironmentConfig): string {
  return `lockbox-${config.name}`;
}

/**
 * One environment of lockbox: users (Cognito), their files (a private bucket), and the signed REST API
 * whose routes each run their own function. Resource names carry the environment's prefix; construct ids
 * never do, so an environment's resources keep their addresses whatever it is called.
 */
export class LockboxStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: LockboxStackProps) {
    super(scope, id);
    const { config } = props;
    validateEnvironment(config);
    const routes = props.routes ?? routeTable;
    assertOneRoutePerHandler(routes);
    const prefix = `lockbox-${config.name}`;
    const preventDestroy = config.preventDestroy ?? true;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'lockbox', environment: config.name } }],
    });
    configureStateBackend(this, id, config.region, props.stateBucket);

    const auth = new UserAuth(this, 'auth', { namePrefix: prefix, preventDestroy });
    const storage = new PrivateBucket(this, 'storage', {
      bucketPrefix: `${prefix}-files-`,
      allowedOrigins: config.allowedOrigins,
      // Users' folders are `<identity id>/` and identity ids start with `<region>:`; zips live under zip/.
      scopePrefixes: { 'user-files': `${config.region}:`, zips: 'zip/' },
      preventDestroy,
    });

    const bundles = bundleHandlers(routes.map((route) => route.handler));
    const environment = {
      ALLOWED_ORIGINS: config.allowedOrigins.join(','),
      ...limitVariables(config.limits),
    };
    // Under a scope of their own, so a handler's name can never clash with another construct's id.
    const functions = new Construct(this, 'functions');
    const apiRoutes = routes.map((route) => {
      const fn = new HandlerFunction(functions, route.handler, {
        functionName: `${prefix}-${route.handler}`,
        bundle: bundles.get(route.handler) as HandlerBundle,
        logRetentionDays: config.logRetentionDays,
        environment,
      });
      fn.useBucket(storage, route.s3);
      return { route, fn };
    });

    const loggingRole = config.manageApiGatewayAccount
      ? new ApiGatewayLoggingRole(this, 'api-gateway-logging', { namePrefix: prefix })
      : undefined;
    const api = new RestApi(this, 'api', {
      name: `${prefix}-api`,
      routes: apiRoutes,
      allowedOrigins: config.allowedOrigins,
      logRetentionDays: config.logRetentionDays,
      throttling: config.throttling,
      stageDependsOn: loggingRole === undefined ? [] : [loggingRole.account],
    });
    api.grantInvoke(auth, auth.authenticatedRole);

    const outputs: Record<string, string> = {
      region: config.region,
      user_pool_id: auth.userPool.id,
      user_pool_client_id: auth.client.id,
      identity_pool_id: auth.identityPool.id,
      api_url: api.stage.invokeUrl,
      bucket_name: storage.bucket.bucket,
    };
    for (const [name, value] of Object.entries(outputs)) new TerraformOutput(this, name, { value });
  }
}

/** Each route runs its own function, named after its handler: two routes cannot share one. */
function assertOneRoutePerHandler(routes: readonly Route[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.handler)) throw new Error(`Handler "${route.handler}" serves more than one route`);
    seen.add(route.handler);
  }
}
