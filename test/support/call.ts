import type { Handler } from '../../handlers/lib/http/handler';
import { contractChecked } from './contract-handler';
import { apiEvent, context, type EventParams } from './events';

export interface Called {
  readonly status: number;
  /** The parsed JSON body; undefined for an empty one (204). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields the route answers with
  readonly body: any;
}

/**
 * Calls a route's handler (`route` as in the contract, e.g. `'GET /file'`) as `caller` (an identity id,
 * or null for a request without one), checks the result against docs/openapi.yaml, and returns its status
 * and parsed body. `params.path` overrides the route's path, e.g. a concrete `/zips/<id>`.
 */
export async function callRoute(
  route: string,
  handler: Handler,
  caller: string | null,
  params: Omit<EventParams, 'identityId' | 'method'> = {},
): Promise<Called> {
  const [method, path] = route.split(' ');
  const event = apiEvent({ path, ...params, identityId: caller, method });
  const res = await contractChecked(route, handler)(event, context);
  return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body) };
}
