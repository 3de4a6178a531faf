import type { QueryParameterBag } from '@smithy/types';

/** Header values by lowercase name; a repeated header's values are joined with "," as SigV4 does. */
export function headerMap(rawHeaders: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? rawHeaders[i + 1] : `${previous},${rawHeaders[i + 1]}`);
  }
  return headers;
}

export interface SplitUrl {
  /** The path as received, still percent-encoded. */
  readonly rawPath: string;
  /** Query parameters, decoded as AWS reads them ("+" is a space), repeated names as arrays. */
  readonly query: QueryParameterBag;
}

export function splitUrl(url: string): SplitUrl {
  const mark = url.indexOf('?');
  const rawPath = mark === -1 ? url : url.slice(0, mark);
  const query: Record<string, string | string[]> = {};
  if (mark !== -1) {
    for (const [name, value] of new URLSearchParams(url.slice(mark + 1))) {
      const previous = query[name];
      if (previous === undefined) query[name] = value;
      else query[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
    }
  }
  return { rawPath, query };
}

/** One query value; a repeated parameter counts as absent where AWS expects exactly one. */
export function single(query: QueryParameterBag, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}

/** "20261126T160030Z" as a Date, or undefined when it is not that exact shape. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const match = value?.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
