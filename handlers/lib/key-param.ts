import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from './errors';
import { queryParams } from './http';

/**
 * The `?key=` of the single-file routes: required, given once, and no other query parameter.
 * The key itself is checked by keys.ts when the S3 key is built.
 */
export function keyParam(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
): string {
  const { key } = queryParams(event, ['key']);
  if (key === undefined) throw new BadRequestError('The query parameter "key" is required.');
  // API Gateway keeps only the last of repeated parameters: refuse rather than pick one silently.
  if ((event.multiValueQueryStringParameters?.key?.length ?? 0) > 1) {
    throw new BadRequestError('The query parameter "key" must be given once.');
  }
  return key;
}
