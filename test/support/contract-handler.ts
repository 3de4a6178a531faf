import type { Handler } from '../../handlers/lib/http/handler';
import { expectResultMatchesContract } from './openapi';

/**
 * The handler of one documented route (e.g. `'GET /zips/{id}'`), checking every result it returns against
 * docs/openapi.yaml (status, headers, body) before the test sees it. Integration tests call their handlers
 * through this, so every real response they provoke, errors included, is one the document allows. The route
 * is named once here rather than read from each event, because tests also send malformed paths and ids.
 */
export function contractChecked(route: string, handler: Handler): Handler {
  const [method, path] = route.split(' ');
  return async (event, context) => {
    const result = await handler(event, context);
    expectResultMatchesContract(method, path, result);
    return result;
  };
}
