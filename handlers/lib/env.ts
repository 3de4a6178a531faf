/** Fail-fast readers for the configuration that the stack sets as environment variables. */

export function stringFromEnv(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`Missing required environment variable ${name}`);
}

export function intFromEnv(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringFromEnv(name, String(fallback));
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`Environment variable ${name} must be an integer in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list, trimmed, without empty items. */
export function listFromEnv(name: string): string[] {
  return stringFromEnv(name)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
