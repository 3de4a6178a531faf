import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from './errors';

/**
 * The `?key=` of the single-file routes: required, given once, and no other query parameter.
 * The key itself is checked by keys.ts when the S3 key is built.
 */
export function keyParam(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
): string {
  return requiredParam(event, ['key'], 'key');
}

/** The query parameter `name`: required and given once, in a query that has only `allowed` ones. */
export function requiredParam<K extends string>(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
  allowed: readonly K[],
  name: K,
): string {
  const value = queryParams(event, allowed)[name];
  if (value === undefined) throw new BadRequestError(`The query parameter "${name}" is required.`);
  // API Gateway keeps only the last of repeated parameters: refuse rather than pick one silently.
  if ((event.multiValueQueryStringParameters?.[name]?.length ?? 0) > 1) {
    throw new BadRequestError(`The query parameter "${name}" must be given once.`);
  }
  return value;
}

/** The query string as a plain object; any parameter not in `allowed` is a 400. */
export function queryParams<K extends string>(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
  allowed: readonly K[],
): Partial<Record<K, string>> {
  const params = event.queryStringParameters ?? {};
  const result: Partial<Record<K, string>> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!(allowed as readonly string[]).includes(name))
      throw new BadRequestError(`Unknown query parameter "${name}".`);
    if (value !== undefined) result[name as K] = value;
  }
  return result;
}

/** An integer query parameter within bounds, or the default when absent. */
export function intParam(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new BadRequestError(`"${name}" must be an integer in ${min}..${max}.`);
  }
  return Number(value);
}

/** `?prefix=&cursor=&limit=` of a listing of the caller's files: 100 by default, 1..1000. */
export function folderPageQuery(event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>) {
  const query = queryParams(event, ['prefix', 'cursor', 'limit']);
  return {
    prefix: query.prefix ?? '',
    cursor: query.cursor,
    limit: intParam(query.limit, 'limit', 100, 1, 1000),
  };
}
