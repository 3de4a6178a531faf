import type { APIGatewayProxyEvent } from 'aws-lambda';

/** Echoes the request's Origin when it is allowed; varies on Origin so caches keep origins apart. */
export function corsHeaders(
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const headers: Record<string, string> = { Vary: 'Origin' };
  const origin = headerValue(event, 'origin');
  if (origin !== undefined && allowedOrigins.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
    // The request id lets a browser app quote it in a bug report, Retry-After says when a 429 may be
    // retried; scripts see only exposed headers.
    headers['Access-Control-Expose-Headers'] = 'ETag, Retry-After, x-amzn-RequestId';
  }
  return headers;
}

/** A request header, whatever case the client sent it in. */
export function headerValue(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === lower && value !== undefined) return value;
  }
  return undefined;
}
