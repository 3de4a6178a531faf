import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError, PayloadTooLargeError } from './errors';

/** The largest JSON body any route accepts (1000 keys of 1 KiB each, with room to spare). */
export const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;

/** The raw request body as bytes; API Gateway base64-encodes it when the content type is binary. */
export function bodyBytes(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === null || event.body === undefined) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * The body as a JSON object whose fields are all in `allowed`: malformed JSON, a non-object, an unknown
 * field or an oversize body is a 400/413, never a 500. Each route then checks its fields' types.
 */
export function jsonBody<K extends string>(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  allowed: readonly K[],
): Partial<Record<K, unknown>> {
  const bytes = bodyBytes(event);
  if (bytes.length > MAX_JSON_BODY_BYTES) throw new PayloadTooLargeError('The JSON body is too large.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BadRequestError('The body must be valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequestError('The body must be a JSON object.');
  }
  for (const field of Object.keys(parsed)) {
    if (!(allowed as readonly string[]).includes(field))
      throw new BadRequestError(`Unknown field "${field}".`);
  }
  return parsed as Partial<Record<K, unknown>>;
}

/** A required string field. */
export function stringField(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new BadRequestError(`"${name}" must be a string.`);
  return value;
}

/** A required integer field within bounds. */
export function intField(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadRequestError(`"${name}" must be an integer in ${min}..${max}.`);
  }
  return value;
}

/** A required array field with a bounded number of items. */
export function arrayField(value: unknown, name: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) throw new BadRequestError(`"${name}" must be an array.`);
  if (value.length < min || value.length > max) {
    throw new BadRequestError(`"${name}" must have ${min}..${max} items.`);
  }
  return value;
}
