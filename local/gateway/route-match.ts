import type { HttpMethod, Route } from '../../contract/routes';

export type RouteMatch =
  /** A route serves this method and path. */
  | { readonly kind: 'route'; readonly route: Route; readonly pathParameters: Record<string, string> | null }
  /** A resource exists at this path, with these methods, but none is the request's. */
  | { readonly kind: 'resource'; readonly path: string; readonly methods: readonly HttpMethod[] }
  | { readonly kind: 'none' };

/**
 * Finds the route for a method and a path relative to the stage (still percent-encoded), as API Gateway
 * resolves resources: segment by segment, `{name}` taking one whole non-empty segment. Path parameters
 * are decoded; static segments compare decoded too.
 */
export function matchRoute(routes: readonly Route[], method: string, rawPath: string): RouteMatch {
  const segments = rawPath.split('/').slice(1).map(decodeSegment);
  const atPath = routes
    .map((route) => ({ route, pathParameters: bind(route.path, segments) }))
    .filter((candidate) => candidate.pathParameters !== undefined);
  const served = atPath.find(({ route }) => route.method === method);
  if (served !== undefined) {
    const parameters = served.pathParameters ?? {};
    return {
      kind: 'route',
      route: served.route,
      pathParameters: Object.keys(parameters).length === 0 ? null : parameters,
    };
  }
  const [first] = atPath;
  if (first !== undefined) {
    return { kind: 'resource', path: first.route.path, methods: atPath.map(({ route }) => route.method) };
  }
  return { kind: 'none' };
}

/** The path parameters when `template` matches the decoded segments, else undefined. */
function bind(
  template: string,
  segments: readonly (string | undefined)[],
): Record<string, string> | undefined {
  const parts = template.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index];
    if (segment === undefined || segment === '') return undefined;
    const name = /^\{([^}+]+)\}$/.exec(part)?.[1];
    if (name !== undefined) parameters[name] = segment;
    else if (part !== segment) return undefined;
  }
  return parameters;
}

/** A decoded segment, or undefined when its percent-encoding is broken (which matches nothing). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
