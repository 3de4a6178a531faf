import type { Reply } from './gateway-responses';

type HeaderValue = string | number | boolean;

/** Headers the HTTP layer sets itself from the body it sends. */
const TRANSPORT_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * The HTTP answer API Gateway makes of a Lambda proxy result, or undefined when the result is malformed
 * (API Gateway then answers 502). `headers` and `multiValueHeaders` merge, the multi-valued one winning
 * a name in both; a base64 body is decoded (binaryMediaTypes `*\/*` makes every response binary-capable);
 * a missing Content-Type is application/json, as API Gateway defaults it.
 */
export function proxyReply(result: unknown): Reply | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result as Record<string, unknown>;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return undefined;
  const single = headerMap(headers, (value) => (isHeaderValue(value) ? [String(value)] : undefined));
  const multiple = headerMap(multiValueHeaders, (values) =>
    Array.isArray(values) && values.every(isHeaderValue) ? values.map(String) : undefined,
  );
  if (single === undefined || multiple === undefined) return undefined;

  const merged = new Map<string, string[]>();
  for (const [name, values] of [...single, ...multiple]) {
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) merged.set(name.toLowerCase(), [name, ...values]);
  }
  const pairs = [...merged.values()].flatMap(([name, ...values]) =>
    values.map((value) => [name as string, value] as const),
  );
  if (!merged.has('content-type')) pairs.push(['Content-Type', 'application/json']);
  const text = typeof body === 'string' ? body : '';
  return { status: statusCode, headers: pairs, body: Buffer.from(text, isBase64Encoded ? 'base64' : 'utf8') };
}

function isHeaderValue(value: unknown): value is HeaderValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A header object's entries with their values checked: none when absent, undefined when malformed. */
function headerMap(
  value: unknown,
  values: (raw: unknown) => string[] | undefined,
): [string, string[]][] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries: [string, string[]][] = [];
  for (const [name, raw] of Object.entries(value)) {
    const checked = values(raw);
    if (checked === undefined) return undefined;
    entries.push([name, checked]);
  }
  return entries;
}
